// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QWidget>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;
class VersionSeriesModel;

// Requests/s per version of the selected service, one line per version in the version's colour.
// Each update swaps a whole point list in with QXYSeries::replace, never point by point.
class RateChart : public QWidget {
    Q_OBJECT
public:
    explicit RateChart(VersionSeriesModel* model, QWidget* parent = nullptr);

    int seriesCount() const { return int(m_series.size()); }
    int pointCount(const QString& version) const;
    // The newest point drawn for a version (x: ms since the epoch), or a null point.
    QPointF lastPoint(const QString& version) const;
    void setMessage(const QString& text);

private:
    void syncSeries();
    void updatePoints();

    VersionSeriesModel* m_model;
    QChart* m_chart;
    QChartView* m_view;
    QDateTimeAxis* m_time;
    QValueAxis* m_rate;
    QLabel* m_message;
    QHash<QString, QLineSeries*> m_series;
};

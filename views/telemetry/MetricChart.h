// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/telemetry/TelemetryMetric.h"

#include <QChartView>
#include <QHash>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;
class TelemetrySeriesModel;

// One chart of the telemetry panel: some metrics of the selected service (say p50, p95 and p99
// latency), one line per version and metric, the version's colour everywhere, the metric told
// apart by dash style. A gap in the data is a gap in the line. Updates swap whole point lists in
// with QXYSeries::replace, and a chart that is not on screen is not updated until it is shown.
// Something that happened, drawn as a vertical line across a chart (a traffic change, a fault).
struct ChartMarker {
    double timeMs = 0;
    QString text; // what and who, for the hover text
};

class MetricChart : public QChartView {
    Q_OBJECT
public:
    MetricChart(TelemetrySeriesModel* model, const QString& title, QList<TelemetryMetric> metrics,
                QWidget* parent = nullptr);

    const QList<TelemetryMetric>& metrics() const { return m_metrics; }
    // The newest point drawn for a version's metric (x: ms since the epoch), or a null point.
    QPointF lastPoint(TelemetryMetric metric, const QString& version) const;
    // Line pieces drawn for a version's metric: more than one means the data has gaps.
    int segmentCount(TelemetryMetric metric, const QString& version) const;
    // Width of the plot area in pixels: the most points worth fetching.
    int plotWidth() const;
    // The operator's rubber-band zoom stops the time axis from following live data until reset.
    void resetZoom();
    bool isZoomed() const { return m_zoomed; }
    void setMarkers(const QList<ChartMarker>& markers);
    const QList<ChartMarker>& markers() const { return m_markers; }
    // The markers drawn inside the visible time range.
    QList<ChartMarker> visibleMarkers() const;
    // Text of the hover readout at a time (ms since the epoch): every line's value there.
    QString readoutAt(double time) const;

protected:
    void showEvent(QShowEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    struct Line {
        TelemetryMetric metric;
        QString version;
        QList<QLineSeries*> pieces; // one per segment between gaps
    };
    void refreshLines();
    Line& lineFor(TelemetryMetric metric, const QString& version);
    QPen penFor(TelemetryMetric metric, const QString& version) const;

    TelemetrySeriesModel* m_model;
    QString m_title;
    QList<TelemetryMetric> m_metrics;
    QDateTimeAxis* m_time;
    QValueAxis* m_values;
    QList<Line> m_lines;
    QList<ChartMarker> m_markers;
    double m_axisEnd = 0; // ms since the epoch; the time axis holds still until data passes it
    bool m_dirty = false;
    bool m_zoomed = false;
};

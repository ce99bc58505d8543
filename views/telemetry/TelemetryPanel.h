// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/telemetry/TelemetryMetric.h"

#include <QWidget>

class AuditLog;
class MetricChart;
class QComboBox;
class QIODevice;
class QLabel;
class QToolButton;
class TelemetryLoader;
class TelemetrySeriesModel;

// Live telemetry of the selected service: requests/s, error % (5xx and 4xx), latency (p50, p95,
// p99) and request/response sizes per version, with the time window, pause, zoom reset and export
// in a toolbar, a banner when Prometheus cannot answer, and the audit log's changes to the service
// marked on every chart.
class TelemetryPanel : public QWidget {
    Q_OBJECT
public:
    TelemetryPanel(TelemetrySeriesModel* model, TelemetryLoader* loader, AuditLog* audit, QWidget* parent = nullptr);

    const QList<MetricChart*>& charts() const { return m_charts; }
    MetricChart* chartFor(TelemetryMetric metric) const;
    QString bannerText() const;
    QString legendText() const;

    bool exportPng(const QString& file);
    // Every point of every series: time (ISO 8601, UTC), metric, version, value.
    void writeCsv(QIODevice& out) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void chooseWindow(int index);
    void showProblem(const QString& text, bool isError);
    void updateLegend();
    void updateMarkers();
    void exportWithDialog();

    TelemetrySeriesModel* m_model;
    TelemetryLoader* m_loader;
    AuditLog* m_audit;
    QComboBox* m_window;
    QToolButton* m_pause;
    QLabel* m_banner;
    QLabel* m_legend;
    QWidget* m_chartArea;
    QList<MetricChart*> m_charts;
};

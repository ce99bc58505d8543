// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/telemetry/TelemetryMetric.h"

#include <QWidget>

class AuditLog;
class ExperimentRegistry;
class MetricChart;
class QComboBox;
class QIODevice;
class QLabel;
class QToolButton;
class RoutingEventTracker;
class TelemetryLoader;
class TelemetrySeriesModel;

// Live telemetry of the selected service or edge: requests/s, error % (5xx and 4xx), latency (p50,
// p95, p99) and request/response sizes per version, with the time window, refresh interval,
// baseline-vs-canary comparison, pause, zoom reset and export in a toolbar, a banner when
// Prometheus cannot answer or warns, and what happened to the service marked on every chart: the
// audit log's changes, and faults and traffic moves seen in its VirtualService; fault experiments
// are shaded as windows.
class TelemetryPanel : public QWidget {
    Q_OBJECT
public:
    TelemetryPanel(TelemetrySeriesModel* model, TelemetryLoader* loader, AuditLog* audit, QWidget* parent = nullptr);

    const QList<MetricChart*>& charts() const { return m_charts; }
    MetricChart* chartFor(TelemetryMetric metric) const;
    QString bannerText() const;
    QString legendText() const;
    // Marks the tracker's events for the shown service too.
    void setRoutingEvents(RoutingEventTracker* tracker);
    // Shades the shown service's fault experiments on every chart: those in the audit log, and the
    // registry's running ones (whoever started them).
    void setExperiments(ExperimentRegistry* registry);
    // How much history the charts show (the time-window choice of the toolbar).
    int windowSeconds() const;
    void setWindowSeconds(int seconds);
    // Two versions overlaid with the difference shaded; empty strings show every version again.
    void setComparison(const QString& baseline, const QString& canary);

    // The user may not reach Prometheus: says so quietly, once, instead of a failure per query
    // (the caller pauses the loader). `reason` names the missing permission.
    void setUnavailable(const QString& reason);

    bool exportPng(const QString& file);
    // Every point of every series: time (ISO 8601, UTC), metric, version, value.
    void writeCsv(QIODevice& out) const;

private:
    void chooseWindow(int index);
    void showProblem(const QString& text, bool isError);
    void fitPointsToPlots();
    bool m_unavailable = false;
    void updateLegend();
    void updateMarkers();
    void updateComparisonChoices();
    void compareChosen();
    void exportWithDialog();

    TelemetrySeriesModel* m_model;
    TelemetryLoader* m_loader;
    AuditLog* m_audit;
    RoutingEventTracker* m_events = nullptr;
    ExperimentRegistry* m_experiments = nullptr;
    QComboBox* m_window;
    QComboBox* m_refresh;
    QComboBox* m_baseline;
    QComboBox* m_canary;
    QToolButton* m_pause;
    QLabel* m_banner;
    QLabel* m_legend;
    QWidget* m_chartArea;
    QList<MetricChart*> m_charts;
};

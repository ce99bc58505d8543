// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/telemetry/TelemetryMetric.h"

#include <QChartView>
#include <QHash>

#include <utility>

class QAreaSeries;
class QDateTimeAxis;
class QLineSeries;
struct ChartFrame;
class QValueAxis;
class TelemetrySeriesModel;

// One chart of the telemetry panel: some metrics of the selected service (say p50, p95 and p99
// latency), one line per version and metric, the version's colour everywhere, the metric told
// apart by dash style. A gap in the data is a gap in the line. The lines are cut at gaps and
// thinned to the plot's pixel columns on a worker thread (ChartFramePreparer); the GUI thread
// only swaps whole point lists in with QXYSeries::replace. A chart that is not on screen is not
// updated until it is shown. Comparing two versions draws only theirs, with the band between
// them shaded in the canary's colour (for the metric drawn solid).
// Something that happened, drawn as a vertical line across a chart (a traffic change, a fault).
struct ChartMarker {
    double timeMs = 0;
    QString text; // what and who, for the hover text
};

// A span of time something was in force, shaded across a chart (a fault experiment).
struct ChartWindow {
    double startMs = 0;
    double endMs = 0; // 0: still running, drawn up to now
    QString text;     // what, who and why it ended, for the hover text
};

class MetricChart : public QChartView {
    Q_OBJECT
public:
    MetricChart(TelemetrySeriesModel* model, const QString& title, QList<TelemetryMetric> metrics,
                QWidget* parent = nullptr);

    const QList<TelemetryMetric>& metrics() const { return m_metrics; }
    // The newest point drawn for a version's metric (x: ms since the epoch), or a null point.
    QPointF lastPoint(TelemetryMetric metric, const QString& version) const;
    // Every point drawn for a version's metric, in time order (chunk joins counted once).
    QList<QPointF> drawnPoints(TelemetryMetric metric, const QString& version) const;
    // Line pieces drawn for a version's metric: more than one means the data has gaps.
    int segmentCount(TelemetryMetric metric, const QString& version) const;
    // The time range the axis shows, in ms since the epoch.
    std::pair<double, double> timeRange() const;
    // Width of the plot area in pixels: the most points worth fetching.
    int plotWidth() const;
    // The operator's rubber-band zoom stops the time axis from following live data until reset.
    void resetZoom();
    bool isZoomed() const { return m_zoomed; }
    void setMarkers(const QList<ChartMarker>& markers);
    const QList<ChartMarker>& markers() const { return m_markers; }
    // The markers drawn inside the visible time range.
    QList<ChartMarker> visibleMarkers() const;
    void setWindows(const QList<ChartWindow>& windows);
    const QList<ChartWindow>& windows() const { return m_windows; }
    // The windows overlapping the visible time range, with a running one's end set to `nowMs`.
    QList<ChartWindow> visibleWindows(double nowMs) const;
    // Text of the hover readout at a time (ms since the epoch): every line's value there.
    QString readoutAt(double time) const;
    // What the tooltip says with the cursor at a point of the chart (widget coordinates): the
    // readout at that time, markers within a few pixels and the windows around it; empty outside
    // the plot.
    QString hoverText(const QPointF& position) const;
    // Baseline and canary to compare; both empty: every version.
    void setComparison(const QString& baseline, const QString& canary);
    // Shaded pieces between the compared versions' lines of a metric.
    int bandPieceCount(TelemetryMetric metric) const;
    // Versions with a line that has points.
    QStringList drawnVersions() const;
    // GUI-thread time of the last swap of prepared lines into the chart, in ms.
    double lastSwapMs() const { return m_lastSwapMs; }

Q_SIGNALS:
    // Prepared lines were swapped in.
    void linesReplaced();

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
    struct Band {
        TelemetryMetric metric;
        QList<QAreaSeries*> pieces;
    };
    void refreshLines();
    void swapIn(const ChartFrame& frame);
    void swapInBands(const ChartFrame& frame);
    Line& lineFor(TelemetryMetric metric, const QString& version);
    QPen penFor(TelemetryMetric metric, const QString& version, qsizetype lineCount) const;
    // The metric drawn with a solid line, whose compared versions get the shaded band.
    TelemetryMetric solidMetric() const;
    // Background, text, grid and marker colours, fonts and line widths from ViewLook and the
    // application font.
    void applyLook();

    TelemetrySeriesModel* m_model;
    QString m_title;
    QList<TelemetryMetric> m_metrics;
    QDateTimeAxis* m_time;
    QValueAxis* m_values;
    QList<Line> m_lines;
    QList<Band> m_bands;
    QList<ChartMarker> m_markers;
    QList<ChartWindow> m_windows;
    QString m_baseline;
    QString m_canary;
    double m_axisEnd = 0; // ms since the epoch; the time axis holds still until data passes it
    double m_lastSwapMs = 0;
    int m_thinnedWidth = 0; // the plot width the lines were last thinned for
    quint64 m_generation = 0; // frames prepared for an older generation are dropped
    bool m_axisMoved = false;
    bool m_preparing = false;
    bool m_again = false;
    bool m_dirty = false;
    bool m_zoomed = false;
};

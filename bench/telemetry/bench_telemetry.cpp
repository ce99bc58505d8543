// SPDX-License-Identifier: Apache-2.0
// Telemetry chart costs on the GUI thread, offscreen with Qt's software rendering:
//   (a) the default panel (4 charts, one line per version and metric, 15 min at 1 s): time per
//       refresh, split into the update (model append + swapping prepared lines in) and the repaint
//       Qt makes of what changed (the parts of the charts the new points touch, as on screen);
//       beside them the GUI thread's CPU time per refresh, which a busy machine inflates less;
//   (b) one chart with 50 series x 3,600 points refreshed every second: the longest stall, and the
//       update's own share;
//   (c) memory over 10 simulated minutes of refreshes: flat once the window is full.
// Beside each: the paint-only time of the same charts (the whole widget painted, as when a window
// is exposed or resized). Cutting
// lines at gaps and thinning them to pixel columns happens on a worker thread and is not GUI time;
// its latency (batch in to lines swapped) is printed too.
// Run: QT_QPA_PLATFORM=offscreen build/default/bench/telemetry/bench_telemetry

#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/session/ClusterSession.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QThreadPool>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <utility>

namespace {

double residentMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

// CPU time the calling thread has used, in ms: the GUI thread's own work, whatever else runs.
double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Times the window system's repaints: Qt paints the widgets' dirty regions when a top-level
// widget gets its UpdateRequest, exactly what happens on screen after the lines change.
class RepaintTimingApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override
    {
        if (event->type() != QEvent::UpdateRequest || m_inRepaint)
            return QApplication::notify(receiver, event);
        m_inRepaint = true;
        QElapsedTimer timer;
        timer.start();
        const bool result = QApplication::notify(receiver, event);
        m_repaintMs += timer.nsecsElapsed() / 1e6;
        m_inRepaint = false;
        return result;
    }
    // Repaint time since the last call.
    double takeRepaintMs() { return std::exchange(m_repaintMs, 0.0); }

private:
    double m_repaintMs = 0;
    bool m_inRepaint = false;
};

// Delivers the scene's change notices and the repaints they ask for (they come a few event-loop
// turns after the change).
void drainRepaints()
{
    QEventLoop loop;
    QTimer::singleShot(40, &loop, &QEventLoop::quit);
    loop.exec();
}

double percentile(QList<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(std::min<qsizetype>(values.size() - 1, qsizetype(q * values.size())));
}

TelemetryBatch batch(const QList<TelemetryMetric>& metrics, int versions, double fromMs, int points)
{
    TelemetryBatch b{QStringLiteral("reviews"), 1, {}};
    for (TelemetryMetric metric : metrics) {
        for (int v = 0; v < versions; ++v) {
            TelemetrySeries s{metric, QStringLiteral("v%1").arg(v + 1), {}};
            s.points.reserve(points);
            for (int i = 0; i < points; ++i) {
                const double t = fromMs + i * 1000.0;
                s.points.append(QPointF(t, 10 + v + 3 * std::sin(t / 7000.0 + v)));
            }
            b.series.append(s);
        }
    }
    return b;
}

// Paints a widget the way the screen would, into an image; returns milliseconds.
double paint(QWidget& widget, QImage& target)
{
    QElapsedTimer timer;
    timer.start();
    QPainter painter(&target);
    widget.render(&painter);
    return timer.nsecsElapsed() / 1e6;
}

// Counts the charts' swaps from its construction (a small frame may be prepared and swapped in
// before addBatch() returns); wait() returns once every chart has swapped, without counting the
// wait as GUI time, and gives the GUI thread's swap time summed over the charts.
class SwapWatch {
public:
    explicit SwapWatch(const QList<MetricChart*>& charts)
        : m_charts(charts)
        , m_swaps(charts.size(), 0)
    {
        for (qsizetype i = 0; i < charts.size(); ++i)
            m_connections.append(QObject::connect(charts[i], &MetricChart::linesReplaced, charts[i], [this, i] { ++m_swaps[i]; }));
    }
    ~SwapWatch()
    {
        for (const QMetaObject::Connection& c : std::as_const(m_connections))
            QObject::disconnect(c);
    }
    double wait()
    {
        // A swap made before wait() ran inside addBatch() and is in its time already.
        const QList<int> before = m_swaps;
        double swap = 0;
        for (qsizetype i = 0; i < m_charts.size(); ++i) {
            if (before[i] > 0)
                continue;
            while (m_swaps[i] == 0) {
                QThreadPool::globalInstance()->waitForDone(); // the worker's time, not the GUI's
                QCoreApplication::processEvents();
            }
            swap += m_charts[i]->lastSwapMs();
        }
        return swap;
    }

private:
    QList<MetricChart*> m_charts;
    QList<int> m_swaps;
    QList<QMetaObject::Connection> m_connections;
};

// Lets every queued preparation finish and be swapped in (a backfill asks twice: reset, then points).
void settle()
{
    for (int i = 0; i < 5; ++i) {
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
    }
}

kube::ClusterConnection nowhere()
{
    kube::ClusterConnection c;
    c.server = "https://127.0.0.1:1";
    return c;
}

void defaultPanel()
{
    const QList<TelemetryMetric> metrics{TelemetryMetric::RequestRate, TelemetryMetric::Errors5xx,
                                         TelemetryMetric::Errors4xx,   TelemetryMetric::LatencyP50,
                                         TelemetryMetric::LatencyP95,  TelemetryMetric::LatencyP99,
                                         TelemetryMetric::RequestBytes, TelemetryMetric::ResponseBytes};
    ClusterSession session(nowhere());
    TelemetrySeriesModel model;
    model.setWindowSeconds(900);
    TelemetryLoader loader(&session); // never started: the bench feeds the model itself
    TelemetryPanel panel(&model, &loader, nullptr);
    panel.resize(1600, 380);
    panel.show();
    QImage image(panel.size(), QImage::Format_ARGB32_Premultiplied);
    const double start = 1764140000000.0;
    model.addBatch(batch(metrics, 3, start, 900), true);
    settle();
    paint(panel, image);

    drainRepaints();
    auto* app = static_cast<RepaintTimingApplication*>(qApp);
    app->takeRepaintMs();

    QList<double> update, repaint, total, cpu, paintOnly, paintOnlyCpu, latency;
    for (int i = 0; i < 60; ++i) {
        SwapWatch swaps(panel.charts());
        const double cpuBefore = threadCpuMs();
        QElapsedTimer timer;
        timer.start();
        model.addBatch(batch(metrics, 3, start + (900 + i) * 1000.0, 1), false);
        const double append = timer.nsecsElapsed() / 1e6;
        const double u = append + swaps.wait();
        latency.append(timer.nsecsElapsed() / 1e6);
        drainRepaints();
        cpu.append(threadCpuMs() - cpuBefore);
        const double p = app->takeRepaintMs();
        update.append(u);
        repaint.append(p);
        total.append(u + p);
        const double paintCpuBefore = threadCpuMs();
        paintOnly.append(paint(panel, image));
        paintOnlyCpu.append(threadCpuMs() - paintCpuBefore);
    }
    std::printf("(a) default panel, 4 charts, 24 lines x 900 points, 60 refreshes (GUI thread):\n"
                "    update  p50 %.2f ms  p95 %.2f ms   (model append + swapping prepared lines in)\n"
                "    repaint p50 %.2f ms  p95 %.2f ms   (what Qt repaints on screen after the change)\n"
                "    total   p50 %.2f ms  p95 %.2f ms   (goal: < 16 ms)\n"
                "    GUI-thread CPU per refresh (everything on it) p50 %.2f ms  p95 %.2f ms\n"
                "    paint-only, whole panel p50 %.2f ms  p95 %.2f ms   (CPU p50 %.2f ms  p95 %.2f ms)\n"
                "    batch in to lines swapped (worker included) p50 %.2f ms\n",
                percentile(update, 0.5), percentile(update, 0.95), percentile(repaint, 0.5),
                percentile(repaint, 0.95), percentile(total, 0.5), percentile(total, 0.95), percentile(cpu, 0.5),
                percentile(cpu, 0.95), percentile(paintOnly, 0.5), percentile(paintOnly, 0.95),
                percentile(paintOnlyCpu, 0.5), percentile(paintOnlyCpu, 0.95), percentile(latency, 0.5));
}

void fiftySeries()
{
    TelemetrySeriesModel model;
    model.setWindowSeconds(3600);
    MetricChart chart(&model, QStringLiteral("50 x 3600"), {TelemetryMetric::RequestRate});
    chart.resize(900, 500);
    chart.show();
    QImage image(chart.size(), QImage::Format_ARGB32_Premultiplied);
    const double start = 1764140000000.0;
    model.addBatch(batch({TelemetryMetric::RequestRate}, 50, start, 3600), true);
    settle();
    const double firstPaint = paint(chart, image);

    QList<double> update, updateCpu, repaint, paintOnly, latency;
    double longest = 0;
    for (int i = 0; i < 30; ++i) {
        SwapWatch swaps({&chart});
        const double cpuBefore = threadCpuMs();
        QElapsedTimer timer;
        timer.start();
        model.addBatch(batch({TelemetryMetric::RequestRate}, 50, start + (3600 + i) * 1000.0, 1), false);
        const double append = timer.nsecsElapsed() / 1e6;
        const double u = append + swaps.wait();
        // The wait includes the worker's time only as idle time, which the thread clock skips.
        updateCpu.append(threadCpuMs() - cpuBefore);
        latency.append(timer.nsecsElapsed() / 1e6);
        const double p = paint(chart, image);
        update.append(u);
        repaint.append(p);
        paintOnly.append(paint(chart, image));
        longest = std::max(longest, u + p);
    }
    chart.setRenderHint(QPainter::Antialiasing, true);
    QList<double> antialiased;
    for (int i = 0; i < 10; ++i)
        antialiased.append(paint(chart, image));
    std::printf("(b) one chart, 50 series x 3,600 points, 30 refreshes (GUI thread; first paint %.1f ms):\n"
                "    update p50 %.2f ms  max %.2f ms   (goal: < 5 ms; GUI-thread CPU until swapped p50 %.2f ms  max %.2f ms)\n"
                "    repaint p50 %.2f ms  max %.2f ms   paint-only p50 %.2f ms  max %.2f ms\n"
                "    paint-only with antialiasing (not used) p50 %.2f ms\n"
                "    longest stall (update + repaint) %.1f ms   (goal: < 50 ms)\n"
                "    batch in to lines swapped (worker included) p50 %.2f ms\n",
                firstPaint, percentile(update, 0.5), percentile(update, 1.0), percentile(updateCpu, 0.5),
                percentile(updateCpu, 1.0), percentile(repaint, 0.5),
                percentile(repaint, 1.0), percentile(paintOnly, 0.5), percentile(paintOnly, 1.0),
                percentile(antialiased, 0.5), longest, percentile(latency, 0.5));
}

void memoryOverTenMinutes()
{
    const QList<TelemetryMetric> metrics{TelemetryMetric::RequestRate, TelemetryMetric::LatencyP95};
    TelemetrySeriesModel model;
    model.setWindowSeconds(300);
    MetricChart chart(&model, QStringLiteral("memory"), metrics);
    chart.resize(600, 300);
    chart.show();
    const double start = 1764140000000.0;
    model.addBatch(batch(metrics, 3, start, 1), true);
    settle();
    double afterWindow = 0;
    const double before = residentMiB();
    for (int s = 1; s <= 600; ++s) {
        SwapWatch swaps({&chart});
        model.addBatch(batch(metrics, 3, start + s * 1000.0, 1), false);
        swaps.wait();
        if (s == 300)
            afterWindow = residentMiB();
    }
    std::printf("(c) 600 one-second refreshes of a 5-minute window: RSS %.1f MiB at start, %.1f MiB when the "
                "window filled, %.1f MiB after 10 minutes (goal: flat after the window fills)\n",
                before, afterWindow, residentMiB());
}

} // namespace

int main(int argc, char** argv)
{
    RepaintTimingApplication app(argc, argv);
    defaultPanel();
    fiftySeries();
    memoryOverTenMinutes();
    return 0;
}

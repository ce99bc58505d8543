// SPDX-License-Identifier: Apache-2.0
#include "TelemetryLoader.h"

#include "ScrapeInterval.h"
#include "TelemetryResultReader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <vector>

struct TelemetryLoader::Pending {
    TelemetryBatch batch;
    std::vector<kube::RequestId> requests;
    std::vector<std::pair<TelemetryMetric, kube::PromResult>> answers;
    QStringList warnings;
    bool backfill = false;
    double until = 0;
    int outstanding = 0;
    bool failed = false;
};

TelemetryLoader::TelemetryLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
    connect(&m_timer, &QTimer::timeout, this, &TelemetryLoader::refresh);
}

TelemetryLoader::~TelemetryLoader()
{
    cancelPending();
}

void TelemetryLoader::setService(const QString& namespaceName, const QString& service)
{
    setScope(TelemetryScope{namespaceName, service, {}, {}, {}, {}});
}

void TelemetryLoader::setScope(const TelemetryScope& scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
    m_lastTime = 0;
    cancelPending();
    refresh();
}

void TelemetryLoader::setWindow(const TelemetryWindow& window)
{
    // The queries depend on the range and the step only: a plot a few pixels wider asks anew only
    // when its step changes.
    const bool sameQueries = window.rangeSeconds == m_window.rangeSeconds && window.stepSeconds() == m_window.stepSeconds();
    m_window = window;
    if (sameQueries)
        return;
    m_lastTime = 0;
    cancelPending();
    refresh();
}

void TelemetryLoader::setInterval(int milliseconds)
{
    if (milliseconds <= 0)
        m_timer.stop();
    else
        m_timer.start(milliseconds);
}

void TelemetryLoader::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused)
        refresh();
}

int TelemetryLoader::rateWindowSeconds() const
{
    const int minimum = m_window.minimumRateWindowSeconds();
    return m_session ? m_session->scrapeInterval().rateWindowSeconds(minimum) : minimum;
}

void TelemetryLoader::cancelPending()
{
    if (m_pending && m_session) {
        for (kube::RequestId id : m_pending->requests)
            m_session->prometheus().cancel(id);
    }
    m_pending.reset();
}

void TelemetryLoader::refresh()
{
    if (!m_session || m_scope.service.isEmpty() || m_paused || m_pending || m_learningInterval)
        return; // a refresh still on its way is not stacked on: the next tick asks again
    m_learningInterval = true;
    m_session->scrapeInterval().whenLearnt(this, [this] {
        m_learningInterval = false;
        query();
    });
}

void TelemetryLoader::query()
{
    if (!m_session || m_scope.service.isEmpty() || m_paused || m_pending)
        return; // the scope was cleared or paused while the interval was asked for

    // Points computed over another rate window (the interval was not known yet) would not join up
    // with the new ones: the history is asked for again.
    const int rateWindow = rateWindowSeconds();
    if (rateWindow != m_rateWindowSeconds) {
        m_rateWindowSeconds = rateWindow;
        m_lastTime = 0;
    }
    const int step = m_window.stepSeconds();
    // The newest seconds may not be scraped and stored yet (a point asked for too early would be
    // computed from part of its samples and never asked for again): stay two seconds, or a step,
    // behind, aligned to the step so increments continue the backfill's grid.
    const double now = std::floor(QDateTime::currentMSecsSinceEpoch() / 1000.0 / step) * step - std::max(step, 2);
    const bool backfill = m_lastTime <= 0;
    // After an outage longer than the window, only the window is asked for again.
    const double start = backfill ? now - m_window.rangeSeconds : std::max(m_lastTime + step, now - m_window.rangeSeconds);
    if (start > now)
        return;

    auto pending = std::make_shared<Pending>();
    m_pending = pending;
    pending->batch.service = m_scope.service;
    pending->batch.stepSeconds = step;
    pending->backfill = backfill;
    pending->until = now;
    pending->outstanding = int(TelemetryMetrics::all().size());

    const QPointer<TelemetryLoader> self(this);
    for (const TelemetryMetricInfo& info : TelemetryMetrics::all()) {
        const TelemetryMetric metric = info.metric;
        const std::string promql = TelemetryMetrics::query(metric, m_scope, rateWindow).toStdString();
        pending->requests.push_back(m_session->prometheus().queryRange(
            promql, start, now, step, [self, pending, metric](kube::PromResult result) {
                if (!self || self->m_pending != pending || pending->failed)
                    return;
                if (!result.error.ok()) {
                    pending->failed = true;
                    self->cancelPending();
                    Q_EMIT self->failed(QString::fromStdString(result.error.describe()));
                    return;
                }
                for (const std::string& w : result.warnings)
                    pending->warnings.append(QString::fromStdString(w));
                pending->answers.emplace_back(metric, std::move(result));
                if (--pending->outstanding == 0)
                    self->deliver(pending);
            }));
    }
}

void TelemetryLoader::deliver(const std::shared_ptr<Pending>& pending)
{
    // Turning samples into points is the heavy part of a backfill: it runs on a worker thread, and
    // the batch is handed over only if no newer request (scope, window) has replaced this one.
    QtConcurrent::run([pending] {
        for (const auto& [metric, answer] : pending->answers)
            pending->batch.series.append(TelemetryResultReader::read(metric, answer));
        pending->answers.clear();
    }).then(this, [this, pending] {
        if (m_pending != pending)
            return;
        m_pending.reset();
        m_lastTime = pending->until;
        Q_EMIT succeeded(pending->warnings);
        Q_EMIT batchAvailable(pending->batch, pending->backfill);
    });
}

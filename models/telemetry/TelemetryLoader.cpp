// SPDX-License-Identifier: Apache-2.0
#include "TelemetryLoader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QDateTime>

#include <cmath>
#include <vector>

struct TelemetryLoader::Pending {
    TelemetryBatch batch;
    std::vector<kube::RequestId> requests;
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
    if (namespaceName == m_namespace && service == m_service)
        return;
    m_namespace = namespaceName;
    m_service = service;
    m_lastTime = 0;
    cancelPending();
    refresh();
}

void TelemetryLoader::setWindow(const TelemetryWindow& window)
{
    if (window == m_window)
        return;
    m_window = window;
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

void TelemetryLoader::cancelPending()
{
    if (m_pending && m_session) {
        for (kube::RequestId id : m_pending->requests)
            m_session->kube().cancel(id);
    }
    m_pending.reset();
}

void TelemetryLoader::refresh()
{
    if (!m_session || m_service.isEmpty() || m_paused || m_pending)
        return; // a refresh still on its way is not stacked on: the next tick asks again

    const int step = m_window.stepSeconds();
    // The newest second may not be scraped yet; ask up to the step before it, aligned to the step
    // so increments continue the backfill's grid.
    const double now = std::floor(QDateTime::currentMSecsSinceEpoch() / 1000.0 / step) * step - step;
    const bool backfill = m_lastTime <= 0;
    const double start = backfill ? now - m_window.rangeSeconds : m_lastTime + step;
    if (start > now)
        return;

    auto pending = std::make_shared<Pending>();
    m_pending = pending;
    pending->batch.service = m_service;
    pending->batch.stepSeconds = step;
    pending->backfill = backfill;
    pending->until = now;
    pending->outstanding = int(TelemetryMetrics::all().size());

    const QPointer<TelemetryLoader> self(this);
    for (const TelemetryMetricInfo& info : TelemetryMetrics::all()) {
        const TelemetryMetric metric = info.metric;
        const std::string query =
            TelemetryMetrics::query(metric, m_namespace, m_service, m_window.rateWindowSeconds()).toStdString();
        pending->requests.push_back(m_session->prometheus().queryRange(
            query, start, now, step, [self, pending, metric](kube::PromResult result) {
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
                for (const kube::PromSeries& series : result.series) {
                    const auto version = series.labels.find("destination_version");
                    TelemetrySeries s;
                    s.metric = metric;
                    s.version = version == series.labels.end() ? QStringLiteral("unknown")
                                                               : QString::fromStdString(version->second);
                    s.points.reserve(qsizetype(series.samples.size()));
                    for (const kube::PromSample& sample : series.samples) {
                        // NaN (a quantile of no requests) is no value: it becomes a gap, never a zero.
                        if (std::isfinite(sample.value))
                            s.points.append(QPointF(sample.time * 1000.0, sample.value));
                    }
                    pending->batch.series.append(s);
                }
                if (--pending->outstanding == 0) {
                    self->m_pending.reset();
                    self->m_lastTime = pending->until;
                    Q_EMIT self->succeeded(pending->warnings);
                    Q_EMIT self->batchAvailable(pending->batch, pending->backfill);
                }
            }));
    }
}

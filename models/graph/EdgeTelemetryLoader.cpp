// SPDX-License-Identifier: Apache-2.0
#include "EdgeTelemetryLoader.h"

#include "models/session/ClusterSession.h"
#include "models/telemetry/ScrapeInterval.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QtConcurrent/QtConcurrentRun>

#include <memory>
#include <optional>

namespace {
constexpr int MinimumWindowSeconds = 15;
} // namespace

EdgeTelemetryLoader::EdgeTelemetryLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespaces{session->namespaceName()}
{
    connect(&m_timer, &QTimer::timeout, this, &EdgeTelemetryLoader::refreshIfDue);
    connect(&m_folding, &QFutureWatcher<EdgeTelemetry>::finished, this, [this] {
        if (m_foldingGeneration == m_generation)
            Q_EMIT telemetryAvailable(m_folding.result());
    });
}

EdgeTelemetryLoader::~EdgeTelemetryLoader()
{
    cancelPending();
}

void EdgeTelemetryLoader::setNamespaces(const QStringList& namespaces)
{
    QStringList wanted = namespaces;
    wanted.removeAll(QString());
    wanted.removeDuplicates();
    if (wanted.isEmpty() && m_session)
        wanted = {m_session->namespaceName()};
    if (wanted == m_namespaces)
        return;
    m_namespaces = wanted;
    refresh();
}

void EdgeTelemetryLoader::setInterval(int milliseconds)
{
    if (milliseconds <= 0)
        m_timer.stop();
    else
        m_timer.start(milliseconds);
}

int EdgeTelemetryLoader::windowSeconds() const
{
    return m_session ? m_session->scrapeInterval().rateWindowSeconds(MinimumWindowSeconds) : MinimumWindowSeconds;
}

void EdgeTelemetryLoader::cancelPending()
{
    m_learningInterval = false; // a learnt interval still comes, for a refresh that is gone by then
    for (kube::RequestId* pending : {&m_pendingRequests, &m_pendingLatency}) {
        if (*pending && m_session)
            m_session->prometheus().cancel(*pending);
        *pending = 0;
    }
}

void EdgeTelemetryLoader::refreshIfDue()
{
    const bool inFlight = m_learningInterval || m_pendingRequests || m_pendingLatency;
    const double scrapeSeconds = m_session ? m_session->scrapeInterval().seconds() : 0;
    if (inFlight || (m_sinceRefresh.isValid() && m_sinceRefresh.elapsed() < 1000 * scrapeSeconds))
        return;
    refresh();
}

void EdgeTelemetryLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    ++m_generation;
    m_sinceRefresh.start();
    m_learningInterval = true;
    const quint64 generation = m_generation;
    m_session->scrapeInterval().whenLearnt(this, [this, generation] {
        if (m_generation != generation)
            return; // a newer refresh replaced this one
        m_learningInterval = false;
        query();
    });
}

void EdgeTelemetryLoader::query()
{
    // Both answers of one refresh meet here; whichever arrives second emits.
    struct Answers {
        std::optional<kube::PromResult> requests;
        std::optional<kube::PromResult> latency;
    };
    const auto answers = std::make_shared<Answers>();
    const QPointer<EdgeTelemetryLoader> self(this);
    const quint64 generation = m_generation;
    auto complete = [self, generation, answers] {
        if (!self || self->m_generation != generation || !answers->requests || !answers->latency)
            return;
        if (!answers->requests->error.ok()) {
            Q_EMIT self->loadFailed(QString::fromStdString(answers->requests->error.describe()));
            return;
        }
        // Folding tens of thousands of series into edges is most of the client's work on a large
        // mesh: a worker does it. The watcher is this object's, so a result that outlives it is
        // dropped (QFuture::then with a context asserts when the context is gone first).
        self->m_foldingGeneration = generation;
        self->m_folding.setFuture(QtConcurrent::run([answers] {
            // Rates without latencies are still worth showing; the latency labels then say "n/a".
            const kube::PromResult* latency = answers->latency->error.ok() ? &*answers->latency : nullptr;
            return EdgeTelemetry::fromPrometheus(*answers->requests, latency);
        }));
    };
    const QString window = QString::number(windowSeconds()) + u's';
    m_pendingRequests = m_session->prometheus().query(
        EdgeTelemetry::requestsQuery(m_namespaces, window).toStdString(),
        [self, generation, answers, complete](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return; // a newer refresh replaced this one
            self->m_pendingRequests = 0;
            answers->requests = std::move(result);
            complete();
        });
    m_pendingLatency = m_session->prometheus().query(
        EdgeTelemetry::latencyQuery(m_namespaces, window).toStdString(),
        [self, generation, answers, complete](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return;
            self->m_pendingLatency = 0;
            answers->latency = std::move(result);
            complete();
        });
}

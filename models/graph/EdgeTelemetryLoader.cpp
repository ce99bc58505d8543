// SPDX-License-Identifier: Apache-2.0
#include "EdgeTelemetryLoader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <optional>

EdgeTelemetryLoader::EdgeTelemetryLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespaces{session->namespaceName()}
{
    connect(&m_timer, &QTimer::timeout, this, &EdgeTelemetryLoader::refresh);
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

void EdgeTelemetryLoader::cancelPending()
{
    for (kube::RequestId* pending : {&m_pendingRequests, &m_pendingLatency}) {
        if (*pending && m_session)
            m_session->kube().cancel(*pending);
        *pending = 0;
    }
}

void EdgeTelemetryLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    // Both answers of one refresh meet here; whichever arrives second emits.
    struct Answers {
        std::optional<kube::PromResult> requests;
        std::optional<kube::PromResult> latency;
    };
    const auto answers = std::make_shared<Answers>();
    const QPointer<EdgeTelemetryLoader> self(this);
    const quint64 generation = ++m_generation;
    auto complete = [self, generation, answers] {
        if (!self || self->m_generation != generation || !answers->requests || !answers->latency)
            return;
        if (!answers->requests->error.ok()) {
            Q_EMIT self->loadFailed(QString::fromStdString(answers->requests->error.describe()));
            return;
        }
        // Rates without latencies are still worth showing; the latency labels then say "n/a".
        const kube::PromResult* latency = answers->latency->error.ok() ? &*answers->latency : nullptr;
        Q_EMIT self->telemetryAvailable(EdgeTelemetry::fromPrometheus(*answers->requests, latency));
    };
    m_pendingRequests = m_session->prometheus().query(
        EdgeTelemetry::requestsQuery(m_namespaces, m_window).toStdString(),
        [self, generation, answers, complete](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return; // a newer refresh replaced this one
            self->m_pendingRequests = 0;
            answers->requests = std::move(result);
            complete();
        });
    m_pendingLatency = m_session->prometheus().query(
        EdgeTelemetry::latencyQuery(m_namespaces, m_window).toStdString(),
        [self, generation, answers, complete](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return;
            self->m_pendingLatency = 0;
            answers->latency = std::move(result);
            complete();
        });
}

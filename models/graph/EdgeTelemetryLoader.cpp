// SPDX-License-Identifier: Apache-2.0
#include "EdgeTelemetryLoader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

EdgeTelemetryLoader::EdgeTelemetryLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespace(session->namespaceName())
{
    connect(&m_timer, &QTimer::timeout, this, &EdgeTelemetryLoader::refresh);
}

EdgeTelemetryLoader::~EdgeTelemetryLoader()
{
    cancelPending();
}

void EdgeTelemetryLoader::setNamespace(const QString& namespaceName)
{
    m_namespace = namespaceName;
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
    if (m_pending && m_session)
        m_session->kube().cancel(m_pending);
    m_pending = 0;
}

void EdgeTelemetryLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    const QPointer<EdgeTelemetryLoader> self(this);
    const quint64 generation = ++m_generation;
    m_pending = m_session->prometheus().query(
        EdgeTelemetry::query(m_namespace, m_window).toStdString(), [self, generation](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return; // a newer refresh replaced this one
            self->m_pending = 0;
            if (!result.error.ok()) {
                Q_EMIT self->loadFailed(QString::fromStdString(result.error.describe()));
                return;
            }
            Q_EMIT self->telemetryAvailable(EdgeTelemetry::fromPrometheus(result));
        });
}

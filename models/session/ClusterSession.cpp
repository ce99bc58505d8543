// SPDX-License-Identifier: Apache-2.0
#include "ClusterSession.h"

#include "kubeclient/AccessReviewCache.h"
#include "kubeclient/ClusterIdentity.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QMetaObject>

ClusterSession::ClusterSession(const kube::ClusterConnection& connection, QObject* parent)
    : QObject(parent)
{
    // Live views poll about a dozen requests a second through the API server (lists, and the
    // Prometheus queries behind its service proxy); client-go's controller default of 5 QPS would
    // queue them without end. kubectl allows itself 50 QPS for discovery; so does MeshDeck.
    kube::ClientOptions options;
    options.qps = 50;
    options.burst = 100;
    m_kube = std::make_unique<kube::KubeClient>(
        connection, [this](std::function<void()> task) { QMetaObject::invokeMethod(this, std::move(task), Qt::QueuedConnection); },
        options);
    m_prometheus = std::make_unique<kube::PrometheusClient>(*m_kube);
    m_access = std::make_unique<kube::AccessReviewCache>(*m_kube);
    kube::requestIdentity(*m_kube, [this](const kube::UserIdentity& identity) {
        if (!identity.error.ok() || identity.username.empty())
            return;
        m_identity = QString::fromStdString(identity.username);
        Q_EMIT identityChanged(m_identity);
    });
}

ClusterSession::~ClusterSession()
{
    m_access.reset();
    m_prometheus.reset();
    m_kube.reset();
}

QString ClusterSession::contextName() const
{
    return QString::fromStdString(m_kube->connection().contextName);
}

QString ClusterSession::namespaceName() const
{
    return QString::fromStdString(m_kube->connection().namespaceName);
}

QString ClusterSession::server() const
{
    return QString::fromStdString(m_kube->connection().server);
}

QString ClusterSession::userName() const
{
    return QString::fromStdString(m_kube->connection().userName);
}

QString ClusterSession::identity() const
{
    return m_identity.isEmpty() ? userName() : m_identity;
}

void ClusterSession::checkAccess(const QString& verb, const QString& group, const QString& resource,
                                 const QString& namespaceName, AccessAnswer answer)
{
    // "services/proxy" names a subresource, as in `kubectl auth can-i get services/proxy`.
    const QString plural = resource.section(u'/', 0, 0);
    const QString subresource = resource.section(u'/', 1);
    m_access->check({verb.toStdString(), group.toStdString(), plural.toStdString(), namespaceName.toStdString(),
                     subresource.toStdString()},
                    [answer = std::move(answer)](const kube::AccessDecision& decision) {
                        answer(decision.error.ok(), decision.allowed, QString::fromStdString(decision.reason));
                    });
}

// SPDX-License-Identifier: Apache-2.0
#include "ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QMetaObject>

ClusterSession::ClusterSession(const kube::ClusterConnection& connection, QObject* parent)
    : QObject(parent)
{
    m_kube = std::make_unique<kube::KubeClient>(connection, [this](std::function<void()> task) {
        QMetaObject::invokeMethod(this, std::move(task), Qt::QueuedConnection);
    });
    m_prometheus = std::make_unique<kube::PrometheusClient>(*m_kube);
}

ClusterSession::~ClusterSession()
{
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

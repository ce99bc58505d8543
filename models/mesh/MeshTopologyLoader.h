// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopology.h"

#include "kubeclient/HttpTransport.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <vector>

class ClusterSession;

// Lists the mesh's objects of one namespace (services, deployments, pods, VirtualServices,
// DestinationRules) and publishes them as one consistent MeshTopology, again on every refresh.
// A refresh that starts while another is in flight replaces it: the latest request wins.
class MeshTopologyLoader : public QObject {
    Q_OBJECT
public:
    explicit MeshTopologyLoader(ClusterSession* session, QObject* parent = nullptr);
    ~MeshTopologyLoader() override;

    void setNamespace(const QString& namespaceName);
    QString namespaceName() const { return m_namespace; }
    // Periodic refresh; 0 stops it.
    void setInterval(int milliseconds);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void topologyAvailable(const MeshTopology& topology);
    void loadFailed(const QString& message);

private:
    struct Pending;
    void cancelPending();

    QPointer<ClusterSession> m_session;
    QString m_namespace;
    QTimer m_timer;
    std::shared_ptr<Pending> m_pending;
};

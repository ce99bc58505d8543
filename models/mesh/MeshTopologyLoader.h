// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopologies.h"

#include "kubeclient/HttpTransport.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>

class ClusterSession;

// Lists the mesh's objects (services, deployments, pods, VirtualServices, DestinationRules,
// HTTPRoutes) of a set of namespaces, one namespace at a time as a user without cluster-wide rights
// must and one list at a time (see Pending), and publishes them as one consistent MeshTopologies,
// again on every refresh. What the user
// may not read drops out with the server's reason instead of failing the load: a namespace whose
// services are forbidden, or one kind in a namespace. Other failures (unreachable, 5xx) fail the
// refresh. A refresh that starts while another is in flight replaces it: the latest request wins.
class MeshTopologyLoader : public QObject {
    Q_OBJECT
public:
    explicit MeshTopologyLoader(ClusterSession* session, QObject* parent = nullptr);
    ~MeshTopologyLoader() override;

    // The namespaces to read, in the order the graph lists them; empty: the session's namespace.
    void setNamespaces(const QStringList& namespaces);
    QStringList namespaces() const { return m_namespaces; }
    // Periodic refresh; 0 stops it. A tick while a load is in flight is skipped, not a restart: at
    // 2,000 services a load can take longer than the interval, and restarting would never finish.
    void setInterval(int milliseconds);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void topologyAvailable(const MeshTopologies& topologies);
    void loadFailed(const QString& message);

private:
    struct Pending;
    void cancelPending();
    void requestNext(const std::shared_ptr<Pending>& pending);
    void publish(Pending& pending);

    QPointer<ClusterSession> m_session;
    QStringList m_namespaces;
    QTimer m_timer;
    std::shared_ptr<Pending> m_pending;
};

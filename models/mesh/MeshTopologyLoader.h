// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopologies.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <vector>

class ClusterSession;

// Watches the mesh's objects (services, deployments, pods, VirtualServices, DestinationRules,
// HTTPRoutes) of a set of namespaces, with one informer per namespace and kind (list, then watch,
// as client-go and Lens do), and publishes them as one consistent MeshTopologies: once the first
// list of every one is in, then after each real change, a burst of changes coalesced into one
// publish. Polling re-read everything every 2 s: at 2,000 services tens of MB of JSON parsed each
// time; a watch sends only what changed.
//
// Per namespace, as a user without cluster-wide rights must. What the user may not read drops out
// with the server's reason instead of failing the load: a namespace whose services are forbidden,
// or one kind in a namespace (and comes back when a later list succeeds). Other failures
// (unreachable, 5xx) are reported each time; the informers retry by themselves. A namespace added
// to the selection is listed on its own; the others keep their caches and watches.
//
// The caches keep only what MeshTopologyParser reads of services, deployments and pods
// (MeshTopologyParser::podFields and its siblings); routing objects are kept whole.
class MeshTopologyLoader : public QObject {
    Q_OBJECT
public:
    explicit MeshTopologyLoader(ClusterSession* session, QObject* parent = nullptr);
    ~MeshTopologyLoader() override;

    // The namespaces to watch, in the order the graph lists them; empty: the session's namespace.
    // Starts watching, as refresh() does.
    void setNamespaces(const QStringList& namespaces);
    QStringList namespaces() const { return m_namespaces; }
    // At most one publish per interval (0: no limit): at 2,000 services each publish rebuilds the
    // graph (~0.1 s of CPU), and a rollout's stream of pod events must not do that many times a
    // second. A change after a quiet interval is published after the coalescing delay alone.
    void setInterval(int milliseconds);
    // The lists the informers of the namespaces watched now have made, relists included: after the
    // first ones, changes arrive by watch and this stays put unless a watch had to be re-listed.
    int listCount() const;

public Q_SLOTS:
    // Starts watching; once every first list is in, publishes what the caches hold (soon, without
    // waiting for the interval): a caller that just wrote asks for it.
    void refresh();

Q_SIGNALS:
    void topologyAvailable(const MeshTopologies& topologies);
    void loadFailed(const QString& message);

private:
    struct Watched;
    void watchNamespaces();
    void startKind(Watched& watched, size_t kind);
    void forget(Watched& watched);
    bool allListed() const;
    void changed();
    void schedulePublish(int delayMs);
    void publish();

    QPointer<ClusterSession> m_session;
    QStringList m_namespaces;
    std::vector<std::unique_ptr<Watched>> m_watched; // in the order of m_namespaces once watching
    bool m_watching = false;
    int m_interval = 0;
    QTimer m_publishTimer;
    QElapsedTimer m_sincePublished; // invalid until the first publish
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopologies.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

// Something that changed how a service's traffic flows, seen in its VirtualService.
struct RoutingEvent {
    QDateTime time; // when MeshDeck saw the change (within one topology refresh of it)
    QString namespaceName;
    QString service;
    QString text;   // what and who
    QString resourceVersion; // of the VirtualService that carried the change
};

// Watches the VirtualServices of successive topologies and records faults starting, changing and
// stopping, and traffic weights moving, whoever made the change (kubectl, a CD pipeline,
// MeshDeck), in every namespace the graph shows: services are known by namespace and name, since
// two namespaces may each hold a `reviews`. "Who" is the field manager of the newest managedFields
// entry when the cluster keeps them. A namespace's first topology is its baseline: nothing is
// recorded for what was already there. A namespace no longer shown is forgotten, so shown again it
// starts from a new baseline rather than dating what changed meanwhile to the moment it came back.
class RoutingEventTracker : public QObject {
    Q_OBJECT
public:
    explicit RoutingEventTracker(QObject* parent = nullptr);

    void observe(const MeshTopologies& topologies, const QDateTime& seenAt = QDateTime::currentDateTimeUtc());
    // Newest last.
    QList<RoutingEvent> events(const QString& namespaceName, const QString& service) const;

Q_SIGNALS:
    void eventsChanged();

private:
    struct State {
        QString resourceVersion;
        QStringList faults;  // per HTTP route: a description of its fault, empty when none
        QString weights;
    };
    void observeNamespace(const MeshTopology& topology, const QDateTime& seenAt, qsizetype& recorded);

    QHash<QString, QHash<QString, State>> m_states; // by namespace, then service
    QList<RoutingEvent> m_events;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopology.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

// Something that changed how a service's traffic flows, seen in its VirtualService.
struct RoutingEvent {
    QDateTime time; // when MeshDeck saw the change (within one topology refresh of it)
    QString service;
    QString text;   // what and who
    QString resourceVersion; // of the VirtualService that carried the change
};

// Watches the VirtualServices of successive topologies and records faults starting, changing and
// stopping, and traffic weights moving, whoever made the change (kubectl, a CD pipeline,
// MeshDeck). "Who" is the field manager of the newest managedFields entry when the cluster keeps
// them. The first topology is the baseline: nothing is recorded for what was already there.
class RoutingEventTracker : public QObject {
    Q_OBJECT
public:
    explicit RoutingEventTracker(QObject* parent = nullptr);

    void observe(const MeshTopology& topology, const QDateTime& seenAt = QDateTime::currentDateTimeUtc());
    // Newest last.
    QList<RoutingEvent> events(const QString& service) const;

Q_SIGNALS:
    void eventsChanged();

private:
    struct State {
        QString resourceVersion;
        QStringList faults;  // per HTTP route: a description of its fault, empty when none
        QString weights;
    };
    QHash<QString, State> m_states; // by service
    QList<RoutingEvent> m_events;
};

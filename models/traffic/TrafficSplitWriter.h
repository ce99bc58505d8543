// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "VirtualServiceSplit.h"
#include "WritePacer.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>

#include <QMap>
#include <QObject>
#include <QPointer>

class AuditLog;
class ClusterSession;

namespace kube {
class OptimisticUpdate;
struct UpdateResult;
} // namespace kube

// Sends an operator's new weights to the cluster: reads the VirtualService, sets the weights on
// the raw object, and writes a JSON Patch of exactly those fields guarded by the resourceVersion it
// read. When someone else changed the object in between, it reads again and re-applies the
// operator's intent (up to kubectl's 5 attempts), or says why the intent no longer applies. Each
// accepted change goes to the audit log. What the UI shows comes from the next read of the cluster,
// never from what was sent.
class TrafficSplitWriter : public QObject {
    Q_OBJECT
public:
    TrafficSplitWriter(ClusterSession* session, AuditLog* audit, QObject* parent = nullptr);
    ~TrafficSplitWriter() override;

    struct Change {
        QString namespaceName;
        QString service;
        QString objectKind; // "VirtualService" or "HTTPRoute"
        QString objectName;
        QMap<QString, int> weights;
        RawObject before; // the object as last read, for the audit log
        QString why;      // what the operator did, in their words
        // Another edit of the routing than weights (an A/B route added or removed): applied to the
        // object as read, returning why it no longer applies or "". `summary` then says what it does.
        std::function<QString(nlohmann::json&)> edit;
        QString summary;
    };
    // Writes go one at a time, at most WritePacer::MaxPerSecond a second; a change made while
    // another is on its way replaces any change still waiting, so the latest always lands.
    void apply(const Change& change);
    bool isApplying() const { return m_applying; }
    // Creates the routing objects a service lacks (from TrafficSplitModel::missingRoutingObjects),
    // in order, each recorded in the audit log; routingCreated() when all exist, failed() otherwise.
    void createRouting(const QString& service, const QList<RawObject>& objects);

Q_SIGNALS:
    void applyingChanged(bool applying);
    // attempts > 1: the object changed under us and the intent was re-applied to the new state.
    void applied(const QString& objectName, int attempts);
    void failed(const QString& message);
    void routingCreated(const QStringList& objects);

private:
    void start(const Change& change);
    void finished(const Change& change, const kube::UpdateResult& result);
    void record(const Change& change, const RawObject& after);
    void createNext(const QString& service, QList<RawObject> remaining, QStringList created);
    void recordCreation(const QString& service, const RawObject& created);

    QPointer<ClusterSession> m_session;
    QPointer<AuditLog> m_audit;
    WritePacer m_pacer;
    std::unique_ptr<kube::OptimisticUpdate> m_update;
    bool m_applying = false;
};

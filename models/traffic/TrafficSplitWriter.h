// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "VirtualServiceSplit.h"

#include "kubeclient/HttpTransport.h"

#include <QMap>
#include <QObject>
#include <QPointer>

class AuditLog;
class ClusterSession;

// Sends an operator's new weights to the cluster as a JSON Patch of exactly the weight fields,
// guarded by the VirtualService's resourceVersion, and records each accepted change in the audit
// log. It reports the server's answer; what the UI then shows comes from the next read of the
// cluster, never from what was sent.
class TrafficSplitWriter : public QObject {
    Q_OBJECT
public:
    TrafficSplitWriter(ClusterSession* session, AuditLog* audit, QObject* parent = nullptr);
    ~TrafficSplitWriter() override;

    struct Change {
        QString namespaceName;
        QString service;
        QString virtualService;
        QString resourceVersion;
        VirtualServiceSplit split;
        QMap<QString, int> weights;
        RawObject before; // the object as last read, for the audit log
        QString why;      // what the operator did, in their words
    };
    void apply(const Change& change);
    bool isApplying() const { return m_pending != 0; }

Q_SIGNALS:
    void applyingChanged(bool applying);
    void applied(const QString& virtualService);
    void failed(const QString& message);

private:
    void record(const Change& change, const RawObject& after);

    QPointer<ClusterSession> m_session;
    QPointer<AuditLog> m_audit;
    kube::RequestId m_pending = 0;
};

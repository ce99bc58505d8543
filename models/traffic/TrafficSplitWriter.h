// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "VirtualServiceSplit.h"

#include "kubeclient/HttpTransport.h"

#include <QMap>
#include <QObject>
#include <QPointer>

class ClusterSession;

// Sends an operator's new weights to the cluster as a JSON Patch of exactly the weight fields,
// guarded by the VirtualService's resourceVersion. It reports the server's answer; what the UI then
// shows comes from the next read of the cluster, never from what was sent.
class TrafficSplitWriter : public QObject {
    Q_OBJECT
public:
    explicit TrafficSplitWriter(ClusterSession* session, QObject* parent = nullptr);
    ~TrafficSplitWriter() override;

    struct Change {
        QString namespaceName;
        QString virtualService;
        QString resourceVersion;
        VirtualServiceSplit split;
        QMap<QString, int> weights;
    };
    void apply(const Change& change);
    bool isApplying() const { return m_pending != 0; }

Q_SIGNALS:
    void applyingChanged(bool applying);
    void applied(const QString& virtualService);
    void failed(const QString& message);

private:
    QPointer<ClusterSession> m_session;
    kube::RequestId m_pending = 0;
};

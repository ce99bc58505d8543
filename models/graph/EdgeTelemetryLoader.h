// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"

#include "kubeclient/HttpTransport.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>

class ClusterSession;

// Asks Prometheus for the edge rates and latencies into the namespaces shown on every refresh: two
// queries sent together, one answer emitted when both are in. One refresh in flight at a time: a refresh that
// finds the previous one still running cancels it (latest wins).
class EdgeTelemetryLoader : public QObject {
    Q_OBJECT
public:
    explicit EdgeTelemetryLoader(ClusterSession* session, QObject* parent = nullptr);
    ~EdgeTelemetryLoader() override;

    // The namespaces whose services' incoming traffic is asked for; empty: the session's namespace.
    void setNamespaces(const QStringList& namespaces);
    void setWindow(const QString& promDuration) { m_window = promDuration; }
    void setInterval(int milliseconds);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void telemetryAvailable(const EdgeTelemetry& telemetry);
    void loadFailed(const QString& message);

private:
    void cancelPending();

    QPointer<ClusterSession> m_session;
    QStringList m_namespaces;
    QString m_window = QStringLiteral("15s");
    QTimer m_timer;
    kube::RequestId m_pendingRequests = 0;
    kube::RequestId m_pendingLatency = 0;
    quint64 m_generation = 0; // identifies the latest refresh; older answers are dropped
};

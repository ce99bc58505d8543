// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"

#include "kubeclient/HttpTransport.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>

class ClusterSession;

// Asks Prometheus for the edge rates and p50/p95/p99 latencies into the namespaces shown on every
// refresh: two queries sent together, one answer emitted when both are in and folded into edges on a
// worker thread. Prometheus computes the quantiles: the buckets themselves would be a ~30 MB answer
// of ~120,000 series at 2,000 services, every refresh, through the API server's proxy. One refresh in flight at a time: a refresh that
// finds the previous one still running cancels it (latest wins). The timer's refreshes are different:
// they wait for the one in flight, since on a large mesh Prometheus may need longer than the timer's
// period to answer and cancelling would then never show a number, and they come no more often than
// Prometheus scrapes, since between two scrapes the answer cannot change.
//
// The rate window follows Prometheus' scrape interval (the session's ScrapeInterval, shared with the
// charts): four intervals, at least 15 s, so 60 s where a large mesh is scraped every 15 s. The
// interval is asked for before the first queries.
class EdgeTelemetryLoader : public QObject {
    Q_OBJECT
public:
    explicit EdgeTelemetryLoader(ClusterSession* session, QObject* parent = nullptr);
    ~EdgeTelemetryLoader() override;

    // The namespaces whose services' incoming traffic is asked for; empty: the session's namespace.
    void setNamespaces(const QStringList& namespaces);
    // 15 s, or four scrape intervals once they are known and longer than that.
    int windowSeconds() const;
    void setInterval(int milliseconds);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void telemetryAvailable(const EdgeTelemetry& telemetry);
    void loadFailed(const QString& message);

private:
    void cancelPending();
    void refreshIfDue();
    // Runs once the scrape interval is known, or with the shortest window if it cannot be read
    // (it is asked again at the next refresh).
    void query();

    QPointer<ClusterSession> m_session;
    QStringList m_namespaces;
    QTimer m_timer;
    QElapsedTimer m_sinceRefresh;
    bool m_learningInterval = false;
    kube::RequestId m_pendingRequests = 0;
    kube::RequestId m_pendingLatency = 0;
    quint64 m_generation = 0; // identifies the latest refresh; older answers are dropped
    QFutureWatcher<EdgeTelemetry> m_folding; // the answers folded into edges on a worker
    quint64 m_foldingGeneration = 0;
};

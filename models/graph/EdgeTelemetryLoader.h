// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"

#include "kubeclient/HttpTransport.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>

class ClusterSession;

// Asks Prometheus for the edge rates and latencies into the namespaces shown on every refresh: two
// queries sent together, one answer emitted when both are in. One refresh in flight at a time: a refresh that
// finds the previous one still running cancels it (latest wins). The timer's refreshes are different:
// they wait for the one in flight, since on a large mesh Prometheus may need longer than the timer's
// period to answer and cancelling would then never show a number, and they come no more often than
// Prometheus scrapes, since between two scrapes the answer cannot change.
//
// The rate window follows Prometheus' scrape interval: rate() needs two samples in its window and is
// only steady with about four (Grafana's $__rate_interval is four intervals), so a Prometheus that
// scrapes every 15 s, as large meshes are scraped, gets a 60 s window where bookinfo's 1 s scrapes
// keep 15 s. The interval is read once, before the first queries, from the raw samples of `up`: it
// needs nothing but the query API, which is all a user who may read the graph may reach.
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

    // The median gap between consecutive samples of the series in a Prometheus matrix result, in
    // seconds to a tenth; 0 when no series has two samples.
    static double scrapeIntervalOf(const kube::PromResult& rawSamples);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void telemetryAvailable(const EdgeTelemetry& telemetry);
    void loadFailed(const QString& message);

private:
    void cancelPending();
    void refreshIfDue();
    // Asks for the scrape interval, then queries; the queries go out with the shortest window if
    // the interval cannot be read (it is asked again at the next refresh).
    void learnScrapeIntervalThenQuery();
    void query();

    QPointer<ClusterSession> m_session;
    QStringList m_namespaces;
    double m_scrapeIntervalSeconds = 0; // 0: not known yet
    QTimer m_timer;
    QElapsedTimer m_sinceRefresh;
    kube::RequestId m_pendingInterval = 0;
    kube::RequestId m_pendingRequests = 0;
    kube::RequestId m_pendingLatency = 0;
    quint64 m_generation = 0; // identifies the latest refresh; older answers are dropped
};

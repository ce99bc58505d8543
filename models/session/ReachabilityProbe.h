// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Reachability.h"

#include "kubeclient/ClusterConnection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace kube {
class KubeClient;
class PrometheusClient;
} // namespace kube

// Asks a context's API server, in the background, whether it answers (GET /version, timed), who we
// are (SelfSubjectReview), whether Prometheus answers through its service proxy and which namespaces
// we may list. Has a client of its own, so probing a context never disturbs a session on it, and
// deleting the probe cancels whatever is in flight.
class ReachabilityProbe : public QObject {
    Q_OBJECT
public:
    explicit ReachabilityProbe(const kube::ClusterConnection& connection, QObject* parent = nullptr);
    ~ReachabilityProbe() override;

    QString contextName() const;
    // Starts a round; one still in flight is abandoned (its answers are dropped).
    void probe();
    // Probes again every `milliseconds` after a round ends; 0 stops.
    void setInterval(int milliseconds);
    // The last finished round; `reachable` is false and `error` empty before the first.
    const Reachability& last() const { return m_last; }
    bool hasResult() const { return m_rounds > 0; }

Q_SIGNALS:
    void probed(const Reachability& result);

private:
    struct Round;
    void finishPart(const std::shared_ptr<Round>& round);

    std::unique_ptr<kube::KubeClient> m_kube;
    std::unique_ptr<kube::PrometheusClient> m_prometheus;
    std::shared_ptr<Round> m_round;
    Reachability m_last;
    int m_rounds = 0;
    QTimer m_again;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Reachability.h"

#include "kubeclient/ClusterConnection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace kube {
class KubeClient;
class PrometheusClient;
} // namespace kube

class ClusterSession;

// Asks a context's API server, in the background, whether it answers (GET /version, timed), who we
// are (SelfSubjectReview), whether Prometheus answers (through its service proxy, or at the URL the
// session was given) and which namespaces
// we may list. Deleting the probe cancels whatever is in flight.
class ReachabilityProbe : public QObject {
    Q_OBJECT
public:
    // A context nobody is connected to (the picker's rows): the probe has clients of its own, and asks
    // Prometheus where a session of that context would (`prometheusUrl`, as ClusterSession takes it:
    // empty for the API server's service proxy).
    ReachabilityProbe(const kube::ClusterConnection& connection, const QString& prometheusUrl, QObject* parent = nullptr);
    // The connected context (the status bar): asks through the session's clients, so the latency is
    // the one the session's requests see and no second connection is opened. The session must
    // outlive the probe.
    explicit ReachabilityProbe(ClusterSession* session, QObject* parent = nullptr);
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

    void cancelRound();

    // Set only when the probe has clients of its own; m_kube and m_prometheus point at them or at
    // the session's.
    std::unique_ptr<kube::KubeClient> m_ownKube;
    std::unique_ptr<kube::PrometheusClient> m_ownPrometheus;
    QPointer<ClusterSession> m_session; // the borrowed clients' owner
    kube::KubeClient* m_kube = nullptr;
    kube::PrometheusClient* m_prometheus = nullptr;
    std::shared_ptr<Round> m_round;
    Reachability m_last;
    int m_rounds = 0;
    QTimer m_again;
};

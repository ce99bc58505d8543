// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Experiment.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>

class AuditLog;
class ClusterSession;
class ExperimentRegistry;

namespace kube {
class OptimisticUpdate;
struct UpdateResult;
} // namespace kube

// Starts, stops and reverts fault experiments, and keeps the promise that faults always revert:
// each experiment is written onto its VirtualService with an annotation recording it (and the
// routes as they were), reverted at its expiry, on stop, on halt, when a guard trips, and, whoever
// started it, when any runner finds it expired (at construction and every ReapInterval).
// Writes and reverts go through kube::OptimisticUpdate (JSON Patch guarded by the resourceVersion
// read, re-read on conflict); every start and revert is an audit entry.
class ExperimentRunner : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds ReapInterval{3000};
    static constexpr std::chrono::milliseconds GuardInterval{5000};

    ExperimentRunner(ClusterSession* session, AuditLog* audit, ExperimentRegistry* registry,
                     QObject* parent = nullptr);
    ~ExperimentRunner() override;

    struct Request {
        QString namespaceName;
        QString service;
        FaultSpec fault;
        std::chrono::seconds duration{300};
        QList<GuardCondition> guards;
    };
    struct Assessment {
        QString refusal;           // non-empty: may not run, says how to opt in
        QStringList confirmations; // ask the operator first
        QStringList problems;      // FaultRules
        bool mayStart() const { return refusal.isEmpty() && problems.isEmpty(); }
    };
    // Asynchronous: the namespace's opt-in label, percentage > 50 % (unless only requests with a
    // header are hit), a service every request of the entry service depends on (from Prometheus).
    // answer runs on this thread, once.
    void assess(const Request& request, std::function<void(const Assessment&)> answer);
    // Writes the fault (no assessment: the caller has done it); started() or failed().
    void start(const Request& request);
    // Reverts one experiment (any in the registry); reverted(…, "stopped") or failed().
    void stop(const QString& id);
    // Reverts every experiment in the context, in parallel; reverted(…, "halted") for each.
    void haltAll();
    // For quitting: reverts the experiments this runner started and waits (running the event loop)
    // until they are reverted or timeoutMs passed. True when none is left.
    bool revertAllBlocking(int timeoutMs);
    // The experiments this runner started that are still running.
    QStringList ownExperiments() const;

    // The opt-in label a namespace needs.
    static constexpr const char* OptInLabel = "meshdeck.io/chaos";
    static constexpr const char* OptInValue = "enabled";

Q_SIGNALS:
    void started(const Experiment& experiment);
    // reason: "expired", "stopped", "halted", "guard: success rate of productpage 91.2 % < 95 %",
    // "found expired at start-up", "MeshDeck quit", "reverted elsewhere" (one of this runner's was
    // taken out by someone else first); a revert that had to keep someone's later edits says so
    // after the reason, in parentheses.
    void reverted(const Experiment& experiment, const QString& reason);
    void failed(const QString& message);
    // A reap pass (over the registry's experiments) has finished; `count` expired ones reverted.
    void reapFinished(int count);

private:
    struct Running;
    void reap();
    void write(const Request& request, const QString& virtualService);
    // Reverts one experiment; done(true) once this call reverted it (false: it failed, was already
    // being reverted, or someone else had reverted it).
    void revert(const Experiment& experiment, const QString& reason, std::function<void(bool)> done = {});
    void evaluateGuards();
    void checkGuard(const QString& id, const GuardCondition& guard);
    void forget(const QString& id);
    // A read-modify-write of one VirtualService through kube::OptimisticUpdate (JSON Patch guarded
    // by the resourceVersion read); edit returns why it no longer applies, or "".
    void update(const std::string& path, std::function<QString(nlohmann::json&)> edit,
                std::function<void(const kube::UpdateResult&)> done);
    void recordAudit(const Experiment& experiment, const QString& action, const QString& why,
                     const std::string& before, const std::string& after);

    QPointer<ClusterSession> m_session;
    QPointer<AuditLog> m_audit;
    QPointer<ExperimentRegistry> m_registry;
    QTimer m_reapTimer;
    QTimer m_guardTimer;
    bool m_firstReapDone = false;
    // The experiments this runner started, by id (expiry timers and guards).
    QHash<QString, std::shared_ptr<Running>> m_own;
    // Reverts under way, by id, so a reap, a timer and a stop never revert the same one twice.
    QSet<QString> m_reverting;
    std::map<quint64, std::unique_ptr<kube::OptimisticUpdate>> m_updates;
    quint64 m_nextUpdate = 0;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/faults/ExperimentRunner.h"

#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QTimer>
#include <chrono>
#include <optional>

class AuditLog;
class ClusterSession;
class ExperimentRegistry;
class ExperimentWatcher;
struct CommandLine;

// The headless fault commands, for presenters' scripts and cron jobs:
// --fault SERVICE runs one experiment (assessed first; confirmations need --yes), prints what it
// did, waits for the expiry (SIGINT/SIGTERM stop and revert it) and exits 0 once reverted, 1 on a
// failure, 3 when refused (no opt-in, istiod's rules, an unconfirmed blast radius).
// --reap-experiments reverts every expired experiment in the context once and exits 0.
class FaultCommand : public QObject {
    Q_OBJECT
public:
    // Whether the command line asks for --fault or --reap-experiments.
    static bool isWanted(const CommandLine& line);
    // Runs what it asks for on the session and returns the exit code (a bad argument exits 2).
    static int run(ClusterSession* session, const CommandLine& line);
    // The experiment the command line asks for, or why the arguments do not make one.
    static std::optional<ExperimentRunner::Request> request(const CommandLine& line, QString* error);
    // "2s", "500ms", "5m", "1h"; nullopt when it is not a positive duration.
    static std::optional<std::chrono::milliseconds> parseDuration(const QString& text);

    // request empty: reap once.
    FaultCommand(ClusterSession* session, AuditLog* audit, std::optional<ExperimentRunner::Request> request,
                 bool assumeYes, QObject* parent = nullptr);
    ~FaultCommand() override;

private:
    // After the first reap: reports it (--reap-experiments) or assesses and starts the experiment.
    void begin(int reaped);
    void onSignal();
    void finish(int code, const QString& message);

    ExperimentRegistry* m_registry;
    ExperimentWatcher* m_watcher;
    ExperimentRunner* m_runner;
    std::optional<ExperimentRunner::Request> m_request;
    bool m_assumeYes;
    QString m_id; // the experiment once started
    bool m_stopRequested = false;
    bool m_done = false;
    std::unique_ptr<QSocketNotifier> m_signals;
    QTimer m_giveUp;
};

// SPDX-License-Identifier: Apache-2.0
#include "FaultCommand.h"

#include "CommandLine.h"
#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentWatcher.h"
#include "models/faults/FaultRules.h"
#include "models/session/ClusterSession.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A signal handler may only do async-signal-safe things: it writes a byte that the event loop reads.
int signalPipe[2] = {-1, -1};

void onUnixSignal(int) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[0], &byte, 1);
}

// Waiting for the cluster to list every VirtualService, or for an assessment, never takes this long.
constexpr int GiveUpMs = 60000;

void say(FILE* stream, const QString& message) {
    std::fprintf(stream, "meshdeck: %s\n", qPrintable(message));
    std::fflush(stream);
}

} // namespace

bool FaultCommand::isWanted(const CommandLine& line) {
    return !line.faultService.isEmpty() || line.reapExperiments;
}

int FaultCommand::run(ClusterSession* session, const CommandLine& line) {
    std::optional<ExperimentRunner::Request> wanted;
    if (!line.faultService.isEmpty()) {
        QString error;
        wanted = request(line, &error);
        // Not CommandLine::reject: std::exit here would tear down statics under the session's
        // running I/O thread. Same message, same status, by returning.
        if (!wanted) {
            CommandLine::printUsageError(error);
            return 2;
        }
    }
    AuditLog audit(AuditLog::defaultFile());
    FaultCommand command(session, &audit, wanted, line.assumeYes);
    return QCoreApplication::exec();
}

std::optional<std::chrono::milliseconds> FaultCommand::parseDuration(const QString& text) {
    static const QRegularExpression pattern(QStringLiteral("^(\\d+(?:\\.\\d+)?)(ms|s|m|h)$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const double number = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    const double ms = number * (unit == u"ms" ? 1 : unit == u"s" ? 1000 : unit == u"m" ? 60000 : 3600000);
    if (ms < 1)
        return std::nullopt;
    return std::chrono::milliseconds(qint64(ms));
}

std::optional<ExperimentRunner::Request> FaultCommand::request(const CommandLine& line, QString* error) {
    ExperimentRunner::Request request;
    request.namespaceName = line.namespaceName;
    request.service = line.faultService;
    const int kinds = int(!line.faultDelay.isEmpty()) + int(!line.faultAbort.isEmpty()) +
                      int(!line.faultAbortGrpc.isEmpty());
    if (kinds != 1) {
        *error = QStringLiteral("--fault needs exactly one of --delay, --abort and --abort-grpc");
        return std::nullopt;
    }
    if (!line.faultDelay.isEmpty()) {
        const auto delay = parseDuration(line.faultDelay);
        if (!delay) {
            *error =
                QStringLiteral("--delay '%1' is not a duration such as 2s or 500ms").arg(line.faultDelay);
            return std::nullopt;
        }
        request.fault.kind = FaultSpec::Kind::Delay;
        request.fault.delayMs = int(delay->count());
    } else if (!line.faultAbort.isEmpty()) {
        bool ok = false;
        request.fault.kind = FaultSpec::Kind::Abort;
        request.fault.httpStatus = line.faultAbort.toInt(&ok);
        if (!ok) {
            *error = QStringLiteral("--abort '%1' is not an HTTP status").arg(line.faultAbort);
            return std::nullopt;
        }
    } else {
        request.fault.kind = FaultSpec::Kind::Abort;
        request.fault.grpcStatus = line.faultAbortGrpc.toUpper();
    }
    bool ok = true;
    request.fault.percentage = line.faultPercent.isEmpty() ? 100 : line.faultPercent.toDouble(&ok);
    if (!ok) {
        *error = QStringLiteral("--percent '%1' is not a number").arg(line.faultPercent);
        return std::nullopt;
    }
    if (!line.faultHeader.isEmpty()) {
        const qsizetype equals = line.faultHeader.indexOf(u'=');
        if (equals <= 0) {
            *error = QStringLiteral("--header '%1' is not NAME=VALUE").arg(line.faultHeader);
            return std::nullopt;
        }
        request.fault.scope = FaultSpec::Scope::Header;
        request.fault.headerName = line.faultHeader.left(equals);
        request.fault.headerValue = line.faultHeader.mid(equals + 1);
    } else if (!line.faultRoute.isEmpty()) {
        request.fault.scope = FaultSpec::Scope::Route;
        request.fault.routeName = line.faultRoute;
    }
    const auto duration =
        parseDuration(line.faultDuration.isEmpty() ? QStringLiteral("5m") : line.faultDuration);
    if (!duration || *duration < std::chrono::seconds(1)) {
        *error = QStringLiteral("--duration '%1' is not a duration of at least 1s, such as 30s or 5m")
                     .arg(line.faultDuration);
        return std::nullopt;
    }
    request.duration = std::chrono::duration_cast<std::chrono::seconds>(*duration);
    const QStringList problems = FaultRules::problems(request.fault);
    if (!problems.isEmpty()) {
        *error = problems.join(QStringLiteral("; "));
        return std::nullopt;
    }
    return request;
}

FaultCommand::FaultCommand(ClusterSession* session, AuditLog* audit,
                           std::optional<ExperimentRunner::Request> request, bool assumeYes, QObject* parent)
    : QObject(parent)
    , m_registry(new ExperimentRegistry(this))
    , m_watcher(new ExperimentWatcher(session, m_registry, this))
    , m_runner(new ExperimentRunner(session, audit, m_registry, this))
    , m_request(std::move(request))
    , m_assumeYes(assumeYes) {
    if (m_request && m_request->namespaceName.isEmpty())
        m_request->namespaceName = session->namespaceName();
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        m_signals = std::make_unique<QSocketNotifier>(signalPipe[1], QSocketNotifier::Read);
        connect(m_signals.get(), &QSocketNotifier::activated, this, &FaultCommand::onSignal);
        std::signal(SIGINT, onUnixSignal);
        std::signal(SIGTERM, onUnixSignal);
    }
    connect(m_runner, &ExperimentRunner::failed, this, [this](const QString& message) {
        if (m_id.isEmpty())
            finish(1, message);
        else
            say(stderr, message); // the next reap tries the revert again
    });
    connect(m_runner, &ExperimentRunner::reverted, this,
            [this](const Experiment& experiment, const QString& reason) {
                say(stdout, QStringLiteral("reverted %1 on %2 (%3): %4")
                                .arg(experiment.id, experiment.service, experiment.namespaceName, reason));
                if (!m_id.isEmpty() && experiment.id == m_id)
                    finish(0, QStringLiteral("done"));
            });
    connect(m_runner, &ExperimentRunner::started, this, [this](const Experiment& experiment) {
        m_id = experiment.id;
        m_giveUp.stop();
        say(stdout,
            QStringLiteral("started %1: %2 → %3 (%4), VirtualService %5, until %6")
                .arg(experiment.id, experiment.fault.describe(), experiment.service, experiment.namespaceName,
                     experiment.virtualService, experiment.expiresAt.toLocalTime().toString(Qt::ISODate)));
        if (m_stopRequested)
            m_runner->stop(m_id);
    });
    connect(&m_giveUp, &QTimer::timeout, this, [this] {
        finish(1, QStringLiteral("no answer from the cluster within %1 s").arg(GiveUpMs / 1000));
    });
    m_giveUp.setSingleShot(true);
    m_giveUp.start(GiveUpMs);
    // Expired experiments go first, the new one after the registry knows what runs.
    connect(m_runner, &ExperimentRunner::reapFinished, this, &FaultCommand::begin, Qt::SingleShotConnection);
}

FaultCommand::~FaultCommand() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

void FaultCommand::begin(int reaped) {
    if (!m_request) {
        finish(0, tr("%n expired experiment(s) reverted", nullptr, reaped));
        return;
    }
    if (m_stopRequested) {
        finish(1, QStringLiteral("interrupted before the experiment started"));
        return;
    }
    const QPointer<FaultCommand> self(this);
    m_runner->assess(*m_request, [self](const ExperimentRunner::Assessment& assessment) {
        if (!self)
            return;
        if (!assessment.refusal.isEmpty()) {
            self->finish(3, QStringLiteral("refused: ") + assessment.refusal);
            return;
        }
        if (!assessment.problems.isEmpty()) {
            self->finish(3, QStringLiteral("istiod would refuse this fault: ") +
                                assessment.problems.join(QStringLiteral("; ")));
            return;
        }
        if (!assessment.confirmations.isEmpty() && !self->m_assumeYes) {
            self->finish(3, QStringLiteral("this experiment needs confirmation (pass --yes to go ahead): ") +
                                assessment.confirmations.join(QStringLiteral("; ")));
            return;
        }
        for (const QString& confirmation : assessment.confirmations)
            say(stdout, QStringLiteral("confirmed with --yes: ") + confirmation);
        if (self->m_stopRequested) {
            self->finish(1, QStringLiteral("interrupted before the experiment started"));
            return;
        }
        self->m_runner->start(*self->m_request);
    });
}

void FaultCommand::onSignal() {
    char byte = 0;
    [[maybe_unused]] const auto read = ::read(signalPipe[1], &byte, 1);
    if (m_stopRequested)
        return;
    m_stopRequested = true;
    say(stdout, QStringLiteral("stopping"));
    if (!m_id.isEmpty())
        m_runner->stop(m_id);
}

void FaultCommand::finish(int code, const QString& message) {
    if (m_done)
        return;
    m_done = true;
    m_giveUp.stop();
    say(code == 0 ? stdout : stderr, message);
    QCoreApplication::exit(code);
}

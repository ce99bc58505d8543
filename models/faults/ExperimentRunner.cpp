// SPDX-License-Identifier: Apache-2.0
#include "ExperimentRunner.h"

#include "ExperimentAnnotation.h"
#include "ExperimentRegistry.h"
#include "FaultInjection.h"
#include "FaultRules.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/OptimisticUpdate.h"
#include "kubeclient/PrometheusClient.h"
#include "kubeclient/ResourceKind.h"
#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include <QEventLoop>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

namespace {

// Long enough to hold a few scrapes (the demo scrapes every second, Istio's default is 15 s), short
// enough that a guard trips within seconds of the damage.
constexpr int GuardWindowSeconds = 15;
// A caller that makes at least this many calls to a service per request of its own depends on it
// for (nearly) every request. Retries push the ratio above 1; below 1 it is pulled by rate()'s
// extrapolation, which differs per series while series are young: a bookinfo 40 s old measured
// 0.97 for productpage → reviews, which calls reviews on every request.
constexpr double EveryRequest = 0.9;

QString quoted(QString value) {
    value.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + value + u'"';
}

// What the service's callers see: the source proxies report aborts and delays that the fault filter
// injected, which never reach the destination's proxy.
QString callerSelector(const QString& ns, const QString& service) {
    return QStringLiteral(
               "reporter=\"source\", destination_service_namespace=%1, destination_service_name=%2")
        .arg(quoted(ns), quoted(service));
}

QString guardQuery(const QString& ns, const GuardCondition& guard) {
    const QString selector = callerSelector(ns, guard.service);
    const QString window = QString::number(GuardWindowSeconds) + u's';
    if (guard.metric == GuardCondition::Metric::P99AboveMs) {
        return QStringLiteral("histogram_quantile(0.99, sum by (le) "
                              "(rate(istio_request_duration_milliseconds_bucket{%1}[%2])))")
            .arg(selector, window);
    }
    // `or vector(0)`: when every request fails, the success count is no series at all, not 0.
    return QStringLiteral("(sum(rate(istio_requests_total{%1, response_code!~\"5..\"}[%2])) or vector(0)) / "
                          "sum(rate(istio_requests_total{%1}[%2])) * 100")
        .arg(selector, window);
}

std::optional<double> firstValue(const kube::PromResult& result) {
    if (!result.error.ok() || result.series.empty() || result.series.front().samples.empty())
        return std::nullopt;
    const double value = result.series.front().samples.back().value;
    return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

QString nameOf(const nlohmann::json& object) {
    return QString::fromStdString(object.at("metadata").value("name", std::string()));
}

} // namespace

struct ExperimentRunner::Running {
    Experiment experiment;
    QTimer expiry;
};

ExperimentRunner::ExperimentRunner(ClusterSession* session, AuditLog* audit, ExperimentRegistry* registry,
                                   QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_audit(audit)
    , m_registry(registry) {
    m_reapTimer.setInterval(ReapInterval);
    connect(&m_reapTimer, &QTimer::timeout, this, &ExperimentRunner::reap);
    m_reapTimer.start();
    m_guardTimer.setInterval(GuardInterval);
    connect(&m_guardTimer, &QTimer::timeout, this, &ExperimentRunner::evaluateGuards);
    m_guardTimer.start();
    // The first reap as soon as the registry knows every VirtualService: experiments left behind by
    // a crashed or killed MeshDeck go first.
    if (m_registry && !m_registry->isSynced())
        connect(m_registry, &ExperimentRegistry::synced, this, &ExperimentRunner::reap,
                Qt::SingleShotConnection);
    else
        QMetaObject::invokeMethod(this, &ExperimentRunner::reap, Qt::QueuedConnection);
}

ExperimentRunner::~ExperimentRunner() = default;

void ExperimentRunner::assess(const Request& request, std::function<void(const Assessment&)> answer) {
    auto assessment = std::make_shared<Assessment>();
    assessment->problems = FaultRules::problems(request.fault);
    // A header-scoped fault reaches only the requests that carry the header (a tester's own): all
    // of those is the point of it, not a wide blast.
    if (request.fault.percentage > 50 && request.fault.scope != FaultSpec::Scope::Header) {
        assessment->confirmations.append(
            QStringLiteral("the fault hits %1 % of the requests to %2, more than half")
                .arg(QString::number(request.fault.percentage), request.service));
    }
    if (!m_session) {
        assessment->refusal = QStringLiteral("not connected to a cluster");
        answer(*assessment);
        return;
    }
    const QPointer<ExperimentRunner> self(this);
    const QString ns = request.namespaceName;
    const QString service = request.service;
    m_session->kube().get(kube::kinds::Namespaces.objectPath({}, ns.toStdString()), [self, ns, service,
                                                                                     assessment,
                                                                                     answer](kube::JsonResult
                                                                                                 result) {
        if (!self)
            return;
        const QString howToOptIn = QStringLiteral("kubectl label namespace %1 %2=%3")
                                       .arg(ns, QLatin1String(OptInLabel), QLatin1String(OptInValue));
        if (!result.error.ok()) {
            assessment->refusal =
                QStringLiteral("cannot read namespace %1 to check that it opted into fault experiments (%2); "
                               "to opt in: %3")
                    .arg(ns, QString::fromStdString(result.error.describe()), howToOptIn);
            answer(*assessment);
            return;
        }
        const nlohmann::json* label =
            result.object->contains("metadata") ? &(*result.object)["metadata"] : nullptr;
        label = label && label->contains("labels") ? &(*label)["labels"] : nullptr;
        label = label && label->is_object() && label->contains(OptInLabel) ? &(*label)[OptInLabel] : nullptr;
        if (!label || *label != OptInValue) {
            assessment->refusal =
                QStringLiteral("namespace %1 has not opted into fault experiments; to opt in: %2")
                    .arg(ns, howToOptIn);
            answer(*assessment);
            return;
        }
        // The entry services (called from outside the namespace) and, per caller, the calls to this
        // service: an entry that calls it on (nearly) every request depends on it for every request.
        const QString entries =
            QStringLiteral(
                "sum by (destination_service_name) (rate(istio_requests_total{reporter=\"destination\", "
                "destination_service_namespace=%1, source_workload_namespace!=%1}[1m]))")
                .arg(quoted(ns));
        // The callers' own count (reporter source): it includes calls a fault on the service stops.
        const QString callers =
            QStringLiteral(
                "sum by (source_canonical_service) (rate(istio_requests_total{reporter=\"source\", "
                "destination_service_namespace=%1, destination_service_name=%2, "
                "source_workload_namespace=%1}[1m]))")
                .arg(quoted(ns), quoted(service));
        // Without Prometheus' answer the dependency is unknown: ask rather than guess "none".
        const auto cannotTell = [assessment, answer](const kube::PromResult& result) {
            if (result.error.ok())
                return false;
            assessment->confirmations.append(
                QStringLiteral("Prometheus could not tell which services every request depends on (%1)")
                    .arg(QString::fromStdString(result.error.describe())));
            answer(*assessment);
            return true;
        };
        self->m_session->prometheus().query(entries.toStdString(), [self, ns, service, callers, assessment, answer,
                                                                    cannotTell](kube::PromResult entryResult) {
            if (!self || !self->m_session || cannotTell(entryResult))
                return;
            self->m_session->prometheus().query(callers.toStdString(), [self, service, entryResult, assessment,
                                                                        answer, cannotTell](
                                                                           kube::PromResult callerResult) {
                if (!self || cannotTell(callerResult))
                    return;
                std::map<std::string, double> callsBy;
                for (const kube::PromSeries& series : callerResult.series) {
                    const auto caller = series.labels.find("source_canonical_service");
                    if (caller != series.labels.end() && !series.samples.empty())
                        callsBy[caller->second] = series.samples.back().value;
                }
                for (const kube::PromSeries& series : entryResult.series) {
                    const auto name = series.labels.find("destination_service_name");
                    if (name == series.labels.end() || series.samples.empty() ||
                        !(series.samples.back().value > 0))
                        continue;
                    const QString entry = QString::fromStdString(name->second);
                    const double share = callsBy[name->second] / series.samples.back().value;
                    if (entry == service) {
                        assessment->confirmations.append(
                            QStringLiteral("%1 is the entry service: the fault reaches its callers directly")
                                .arg(service));
                    } else if (share >= EveryRequest) {
                        assessment->confirmations.append(
                            QStringLiteral(
                                "nearly every request of the entry service %1 calls %2 (%3 calls per request)")
                                .arg(entry, service, QString::number(share, 'f', 2)));
                    }
                }
                answer(*assessment);
            });
        });
    });
}

void ExperimentRunner::start(const Request& request) {
    if (!m_session) {
        Q_EMIT failed(QStringLiteral("not connected to a cluster"));
        return;
    }
    const QStringList problems = FaultRules::problems(request.fault);
    if (!problems.isEmpty()) {
        Q_EMIT failed(QStringLiteral("istiod would refuse this fault: ") +
                      problems.join(QStringLiteral("; ")));
        return;
    }
    if (request.duration.count() <= 0) {
        Q_EMIT failed(QStringLiteral("an experiment needs a duration"));
        return;
    }
    // The VirtualService whose hosts name the service: where Istio applies routing for it.
    const QPointer<ExperimentRunner> self(this);
    m_session->kube().list(
        kube::kinds::VirtualServices.collectionPath(request.namespaceName.toStdString()),
        [self, request](kube::ListResult result) {
            if (!self)
                return;
            if (!result.error.ok()) {
                Q_EMIT self->failed(QString::fromStdString(result.error.describe()));
                return;
            }
            for (const auto& item : result.items) {
                if (FaultInjection::routesService(*item, request.namespaceName, request.service)) {
                    self->write(request, nameOf(*item));
                    return;
                }
            }
            Q_EMIT self->failed(
                QStringLiteral(
                    "no VirtualService in namespace %1 routes %2: give it routing in the traffic panel first")
                    .arg(request.namespaceName, request.service));
        });
}

void ExperimentRunner::write(const Request& request, const QString& virtualService) {
    Experiment experiment;
    experiment.id = ExperimentAnnotation::newId();
    experiment.namespaceName = request.namespaceName;
    experiment.virtualService = virtualService;
    experiment.service = request.service;
    experiment.owner = m_session->identity();
    experiment.startedAt = QDateTime::currentDateTimeUtc();
    experiment.expiresAt = experiment.startedAt.addSecs(request.duration.count());
    experiment.fault = request.fault;
    experiment.guards = request.guards;
    auto before = std::make_shared<std::string>();
    auto edit = [experiment, before](nlohmann::json& object) {
        *before = object.dump();
        return FaultInjection::inject(object, experiment);
    };
    auto done = [this, experiment, before](const kube::UpdateResult& result) {
        switch (result.outcome) {
        case kube::UpdateResult::Outcome::Updated: {
            auto running = std::make_shared<Running>();
            running->experiment = experiment;
            running->expiry.setSingleShot(true);
            running->expiry.setTimerType(Qt::PreciseTimer);
            const QString id = experiment.id;
            connect(&running->expiry, &QTimer::timeout, this, [this, id] {
                const auto own = m_own.constFind(id);
                if (own != m_own.cend())
                    revert((*own)->experiment, QStringLiteral("expired"));
            });
            running->expiry.start(
                std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(experiment.expiresAt)));
            m_own.insert(id, running);
            recordAudit(experiment, QStringLiteral("fault started"),
                        QStringLiteral("started by %1 until %2")
                            .arg(experiment.owner, experiment.expiresAt.toString(Qt::ISODate)),
                        *before, result.object->dump());
            Q_EMIT started(experiment);
            break;
        }
        case kube::UpdateResult::Outcome::Unchanged:
        case kube::UpdateResult::Outcome::NoLongerApplies:
            Q_EMIT failed(QStringLiteral("cannot start the fault on %1: %2")
                              .arg(experiment.service, QString::fromStdString(result.reason)));
            break;
        case kube::UpdateResult::Outcome::Failed:
            Q_EMIT failed(QStringLiteral("cannot start the fault on %1: %2")
                              .arg(experiment.service, QString::fromStdString(result.error.describe())));
            break;
        }
    };
    update(kube::kinds::VirtualServices.objectPath(experiment.namespaceName.toStdString(),
                                                   virtualService.toStdString()),
           edit, done);
}

void ExperimentRunner::stop(const QString& id) {
    const auto own = m_own.constFind(id);
    if (own != m_own.cend()) {
        revert((*own)->experiment, QStringLiteral("stopped"));
        return;
    }
    if (m_registry) {
        if (const auto found = m_registry->find(id)) {
            revert(*found, QStringLiteral("stopped"));
            return;
        }
    }
    Q_EMIT failed(QStringLiteral("no experiment %1 is running").arg(id));
}

void ExperimentRunner::haltAll() {
    // Every experiment in the context, ours and other instances': each revert is its own request,
    // so they all travel at once.
    QSet<QString> seen;
    for (const auto& running : std::as_const(m_own)) {
        seen.insert(running->experiment.id);
        revert(running->experiment, QStringLiteral("halted"));
    }
    if (!m_registry)
        return;
    for (const Experiment& experiment : m_registry->experiments()) {
        if (!seen.contains(experiment.id))
            revert(experiment, QStringLiteral("halted"));
    }
}

bool ExperimentRunner::revertAllBlocking(int timeoutMs) {
    for (const auto& running : std::as_const(m_own))
        revert(running->experiment, QStringLiteral("MeshDeck quit"));
    auto inFlight = [this] {
        return std::any_of(m_own.keyBegin(), m_own.keyEnd(),
                           [this](const QString& id) { return m_reverting.contains(id); });
    };
    // The deadline's timeout is an event too, so waiting for events never outlasts it.
    QTimer deadline;
    deadline.setSingleShot(true);
    deadline.start(timeoutMs);
    QEventLoop loop;
    while (deadline.isActive() && inFlight())
        loop.processEvents(QEventLoop::WaitForMoreEvents);
    return m_own.isEmpty();
}

QStringList ExperimentRunner::ownExperiments() const {
    return m_own.keys();
}

void ExperimentRunner::reap() {
    if (!m_registry || !m_registry->isSynced())
        return;
    const QString reason =
        m_firstReapDone ? QStringLiteral("expired") : QStringLiteral("found expired at start-up");
    m_firstReapDone = true;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<Experiment> expired;
    for (const Experiment& experiment : m_registry->experiments()) {
        if (experiment.isExpired(now) && !m_reverting.contains(experiment.id))
            expired.append(experiment);
    }
    if (expired.isEmpty()) {
        Q_EMIT reapFinished(0);
        return;
    }
    struct Pass {
        int pending = 0;
        int reverted = 0;
    };
    auto pass = std::make_shared<Pass>();
    pass->pending = int(expired.size());
    const QPointer<ExperimentRunner> self(this);
    for (const Experiment& experiment : std::as_const(expired)) {
        revert(experiment, reason, [self, pass](bool reverted) {
            pass->reverted += reverted ? 1 : 0;
            if (--pass->pending == 0 && self)
                Q_EMIT self->reapFinished(pass->reverted);
        });
    }
}

void ExperimentRunner::revert(const Experiment& experiment, const QString& reason,
                              std::function<void(bool)> done) {
    if (!m_session || m_reverting.contains(experiment.id)) {
        if (done)
            done(false);
        return;
    }
    m_reverting.insert(experiment.id);
    auto before = std::make_shared<std::string>();
    auto reversion = std::make_shared<FaultInjection::Reversion>();
    const QString id = experiment.id;
    auto edit = [id, before, reversion](nlohmann::json& object) {
        *before = object.dump();
        *reversion = FaultInjection::revert(object, id);
        return reversion->found ? QString()
                                : QStringLiteral("the experiment is no longer recorded on the object");
    };
    auto finished = [this, experiment, reason, before, reversion, done](const kube::UpdateResult& result) {
        m_reverting.remove(experiment.id);
        bool reverted = false;
        switch (result.outcome) {
        case kube::UpdateResult::Outcome::Updated:
        case kube::UpdateResult::Outcome::Unchanged: {
            forget(experiment.id);
            const QString said =
                reversion->note.isEmpty() ? reason : reason + QStringLiteral(" (") + reversion->note + u')';
            recordAudit(experiment, QStringLiteral("fault reverted"), said, *before,
                        result.object ? result.object->dump() : std::string());
            reverted = true;
            Q_EMIT this->reverted(experiment, said);
            break;
        }
        case kube::UpdateResult::Outcome::NoLongerApplies:
            // Someone reverted it first (another MeshDeck's reap, an operator): nothing left to do,
            // but whoever waits on one of ours hears that it is over.
            if (m_own.contains(experiment.id)) {
                forget(experiment.id);
                Q_EMIT this->reverted(experiment, QStringLiteral("reverted elsewhere"));
            }
            break;
        case kube::UpdateResult::Outcome::Failed:
            if (result.error.httpStatus == 404) {
                forget(experiment.id); // the VirtualService is gone, and its fault with it
                break;
            }
            // Kept: the next reap (or the expiry timer's owner) tries again once it has expired.
            Q_EMIT failed(
                QStringLiteral("cannot revert %1 on %2: %3")
                    .arg(experiment.id, experiment.service, QString::fromStdString(result.error.describe())));
            break;
        }
        if (done)
            done(reverted);
    };
    update(kube::kinds::VirtualServices.objectPath(experiment.namespaceName.toStdString(),
                                                   experiment.virtualService.toStdString()),
           edit, finished);
}

void ExperimentRunner::evaluateGuards() {
    for (const auto& running : std::as_const(m_own)) {
        for (const GuardCondition& guard : running->experiment.guards)
            checkGuard(running->experiment.id, guard);
    }
}

void ExperimentRunner::checkGuard(const QString& id, const GuardCondition& guard) {
    const auto own = m_own.constFind(id);
    if (!m_session || own == m_own.cend())
        return;
    const QPointer<ExperimentRunner> self(this);
    const QString query = guardQuery((*own)->experiment.namespaceName, guard);
    m_session->prometheus().query(query.toStdString(), [self, id, guard](kube::PromResult result) {
        if (!self)
            return;
        const auto running = self->m_own.constFind(id);
        // No value (no traffic in the window, Prometheus unreachable) says nothing about health.
        const std::optional<double> observed = firstValue(result);
        if (running == self->m_own.cend() || !observed || !guard.isTrippedBy(*observed))
            return;
        self->revert((*running)->experiment, QStringLiteral("guard: ") + guard.tripped(*observed));
    });
}

void ExperimentRunner::forget(const QString& id) {
    m_own.remove(id);
}

void ExperimentRunner::update(const std::string& path, std::function<QString(nlohmann::json&)> edit,
                              std::function<void(const kube::UpdateResult&)> done) {
    const quint64 key = ++m_nextUpdate;
    auto verdict = [edit](nlohmann::json& object) {
        const QString problem = edit(object);
        return problem.isEmpty() ? kube::EditVerdict::apply()
                                 : kube::EditVerdict::noLongerApplies(problem.toStdString());
    };
    const QPointer<ExperimentRunner> self(this);
    auto finished = [self, key, done](kube::UpdateResult result) {
        if (!self)
            return;
        // The update calls this from inside itself: let it return before it is destroyed.
        QMetaObject::invokeMethod(
            self, [self, key] { self->m_updates.erase(key); }, Qt::QueuedConnection);
        done(result);
    };
    auto [it, inserted] =
        m_updates.emplace(key, std::make_unique<kube::OptimisticUpdate>(
                                   m_session->kube(), path, verdict, finished, kube::WriteMethod::JsonPatch));
    Q_UNUSED(inserted);
    it->second->start();
}

void ExperimentRunner::recordAudit(const Experiment& experiment, const QString& action, const QString& why,
                                   const std::string& before, const std::string& after) {
    if (!m_audit || !m_session)
        return;
    AuditEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.user = m_session->identity();
    entry.context = m_session->contextName();
    entry.namespaceName = experiment.namespaceName;
    entry.kind = QStringLiteral("VirtualService");
    entry.name = experiment.virtualService;
    entry.service = experiment.service;
    entry.action = action;
    entry.why = why;
    entry.summary = experiment.id + QStringLiteral(": ") + experiment.fault.describe();
    entry.before = QByteArray::fromStdString(before);
    entry.after = QByteArray::fromStdString(after);
    QString error;
    if (!m_audit->append(entry, &error))
        Q_EMIT failed(error);
}

// SPDX-License-Identifier: Apache-2.0
#include "ReachabilityProbe.h"

#include "ClusterSession.h"

#include "kubeclient/ClusterIdentity.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <nlohmann/json.hpp>

#include <QMetaObject>

namespace {
constexpr int Parts = 4; // version, identity, Prometheus, namespaces
} // namespace

struct ReachabilityProbe::Round {
    Reachability result;
    QElapsedTimer clock;
    std::vector<kube::RequestId> requests; // the API server's
    kube::RequestId prometheusQuery = 0;   // Prometheus' client's, which may be another (direct)
    int outstanding = Parts;
};

ReachabilityProbe::ReachabilityProbe(const kube::ClusterConnection& connection, const QString& prometheusUrl, QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<Reachability>();
    const auto deliver = [this](std::function<void()> task) {
        QMetaObject::invokeMethod(this, std::move(task), Qt::QueuedConnection);
    };
    m_ownKube = std::make_unique<kube::KubeClient>(connection, deliver);
    m_ownPrometheus = ClusterSession::prometheusClient(*m_ownKube, prometheusUrl, deliver);
    m_kube = m_ownKube.get();
    m_prometheus = m_ownPrometheus.get();
    m_again.setSingleShot(true);
    connect(&m_again, &QTimer::timeout, this, &ReachabilityProbe::probe);
}

ReachabilityProbe::ReachabilityProbe(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_kube(&session->kube())
    , m_prometheus(&session->prometheus())
{
    qRegisterMetaType<Reachability>();
    m_again.setSingleShot(true);
    connect(&m_again, &QTimer::timeout, this, &ReachabilityProbe::probe);
}

ReachabilityProbe::~ReachabilityProbe()
{
    // A client of its own goes first: its I/O thread stops before this QObject, so nothing is posted
    // to it. The session's client stays: only this probe's requests are cancelled.
    cancelRound();
    m_ownPrometheus.reset();
    m_ownKube.reset();
}

void ReachabilityProbe::cancelRound()
{
    if (!m_round)
        return;
    // A session already gone took its client and everything in flight with it.
    if (m_ownKube || m_session) {
        for (kube::RequestId id : m_round->requests)
            m_kube->cancel(id);
        if (m_round->prometheusQuery != 0)
            m_prometheus->cancel(m_round->prometheusQuery);
    }
    m_round.reset();
}

QString ReachabilityProbe::contextName() const
{
    return QString::fromStdString(m_kube->connection().contextName);
}

void ReachabilityProbe::setInterval(int milliseconds)
{
    m_again.setInterval(milliseconds);
    if (milliseconds <= 0)
        m_again.stop();
}

void ReachabilityProbe::probe()
{
    cancelRound();
    if (!m_ownKube && !m_session)
        return;
    auto round = std::make_shared<Round>();
    m_round = round;
    round->clock.start();

    // Timed from here to the answer's arrival on this thread: the latency the operator feels.
    round->requests.push_back(m_kube->get("/version", [this, round](const kube::JsonResult& answer) {
        round->result.reachable = answer.error.ok();
        round->result.latencyMs = round->clock.elapsed();
        if (answer.error.ok() && answer.object->is_object())
            round->result.serverVersion = QString::fromStdString(answer.object->value("gitVersion", ""));
        else if (!answer.error.ok())
            round->result.error = QString::fromStdString(answer.error.describe());
        finishPart(round);
    }));
    round->requests.push_back(kube::requestIdentity(*m_kube, [this, round](const kube::UserIdentity& identity) {
        round->result.identity = QString::fromStdString(identity.username);
        finishPart(round);
    }));
    round->prometheusQuery = m_prometheus->query("vector(1)", [this, round](const kube::PromResult& answer) {
        round->result.prometheusReachable = answer.error.ok();
        round->result.prometheusForbidden = answer.error.httpStatus == 403;
        round->result.prometheusError = answer.error.ok() ? QString() : QString::fromStdString(answer.error.describe());
        finishPart(round);
    });
    round->requests.push_back(kube::listNamespacesOrFallback(*m_kube, [this, round](const kube::NamespaceChoice& choice) {
        for (const std::string& name : choice.names)
            round->result.namespaces.append(QString::fromStdString(name));
        round->result.namespacesFallback = choice.fallback;
        finishPart(round);
    }));
}

void ReachabilityProbe::finishPart(const std::shared_ptr<Round>& round)
{
    if (round != m_round || --round->outstanding > 0)
        return;
    m_round.reset();
    m_last = round->result;
    ++m_rounds;
    if (m_again.interval() > 0)
        m_again.start();
    Q_EMIT probed(m_last);
}

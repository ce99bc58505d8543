// SPDX-License-Identifier: Apache-2.0
#include "TrafficSplitWriter.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/OptimisticUpdate.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

TrafficSplitWriter::TrafficSplitWriter(ClusterSession* session, AuditLog* audit, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_audit(audit)
{
}

TrafficSplitWriter::~TrafficSplitWriter() = default;

void TrafficSplitWriter::apply(const Change& change)
{
    if (!m_session)
        return;
    // One write at a time, paced, the latest intent replacing any still waiting: a slider dragged
    // with live apply on must not flood the API server, and its last value must land.
    m_pacer.submit([this, change] { start(change); });
    if (!m_applying) {
        m_applying = true;
        Q_EMIT applyingChanged(true);
    }
}

void TrafficSplitWriter::start(const Change& change)
{
    const bool httpRoute = change.objectKind == u"HTTPRoute";
    const kube::ResourceKind& kind = httpRoute ? kube::kinds::HTTPRoutes : kube::kinds::VirtualServices;
    const std::string path = kind.objectPath(change.namespaceName.toStdString(), change.objectName.toStdString());
    MeshTopology scope; // enough to resolve the service's host names
    scope.namespaceName = change.namespaceName;
    auto edit = [scope, change, httpRoute](nlohmann::json& object) {
        const QString problem = change.edit ? change.edit(object)
            : httpRoute                     ? VirtualServiceSplit::applyHttpRouteWeights(object, change.weights)
                                            : VirtualServiceSplit::applyWeights(object, scope, change.service, change.weights);
        return problem.isEmpty() ? kube::EditVerdict::apply() : kube::EditVerdict::noLongerApplies(problem.toStdString());
    };
    const QPointer<TrafficSplitWriter> self(this);
    auto done = [self, change](kube::UpdateResult result) {
        if (self)
            self->finished(change, result);
    };
    m_update = std::make_unique<kube::OptimisticUpdate>(m_session->kube(), path, edit, done, kube::WriteMethod::JsonPatch);
    m_update->start();
}

void TrafficSplitWriter::finished(const Change& change, const kube::UpdateResult& result)
{
    // The update calls this from inside itself: let it return before it is destroyed and the next
    // write starts.
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_update.reset();
            m_pacer.writeFinished();
            if (m_pacer.isIdle() && m_applying) {
                m_applying = false;
                Q_EMIT applyingChanged(false);
            }
        },
        Qt::QueuedConnection);
    switch (result.outcome) {
    case kube::UpdateResult::Outcome::Updated:
        record(change, result.object);
        Q_EMIT applied(change.objectName, result.attempts);
        break;
    case kube::UpdateResult::Outcome::Unchanged:
        Q_EMIT applied(change.objectName, 0);
        break;
    case kube::UpdateResult::Outcome::NoLongerApplies:
        Q_EMIT failed(tr("the %1 changed meanwhile: %2").arg(change.objectKind, QString::fromStdString(result.reason)));
        break;
    case kube::UpdateResult::Outcome::Failed:
        Q_EMIT failed(QString::fromStdString(result.error.describe()));
        break;
    }
}

void TrafficSplitWriter::createRouting(const QString& service, const QList<RawObject>& objects)
{
    if (!m_session || objects.isEmpty())
        return;
    createNext(service, objects, {});
}

void TrafficSplitWriter::createNext(const QString& service, QList<RawObject> remaining, QStringList created)
{
    if (remaining.isEmpty()) {
        Q_EMIT routingCreated(created);
        return;
    }
    const RawObject object = remaining.takeFirst();
    const std::string kind = object->at("kind").get<std::string>();
    const std::string ns = object->at("metadata").at("namespace").get<std::string>();
    const kube::ResourceKind& resource = kind == "VirtualService" ? kube::kinds::VirtualServices : kube::kinds::DestinationRules;
    const QPointer<TrafficSplitWriter> self(this);
    m_session->kube().create(resource.collectionPath(ns), object->dump(),
                             [self, service, remaining, created, kind](kube::JsonResult result) mutable {
                                 if (!self)
                                     return;
                                 if (!result.error.ok()) {
                                     Q_EMIT self->failed(QString::fromStdString(result.error.describe()));
                                     return;
                                 }
                                 self->recordCreation(service, result.object);
                                 created.append(QString::fromStdString(kind + ' ' + result.object->at("metadata").at("name").get<std::string>()));
                                 self->createNext(service, std::move(remaining), std::move(created));
                             });
}

void TrafficSplitWriter::recordCreation(const QString& service, const RawObject& created)
{
    if (!m_audit || !m_session || !created)
        return;
    AuditEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.user = m_session->identity();
    entry.context = m_session->contextName();
    entry.namespaceName = QString::fromStdString(created->at("metadata").at("namespace").get<std::string>());
    entry.kind = QString::fromStdString(created->at("kind").get<std::string>());
    entry.name = QString::fromStdString(created->at("metadata").at("name").get<std::string>());
    entry.service = service;
    entry.action = QStringLiteral("create routing");
    entry.why = QStringLiteral("traffic panel: create routing for %1").arg(service);
    entry.summary = QStringLiteral("created %1 %2").arg(entry.kind, entry.name);
    entry.after = QByteArray::fromStdString(created->dump());
    QString error;
    if (!m_audit->append(entry, &error))
        Q_EMIT failed(error);
}

void TrafficSplitWriter::record(const Change& change, const RawObject& after)
{
    if (!m_audit || !m_session)
        return;
    QStringList shares;
    for (auto it = change.weights.cbegin(); it != change.weights.cend(); ++it)
        shares.append(QStringLiteral("%1 %2 %").arg(it.key()).arg(it.value()));
    AuditEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.user = m_session->identity();
    entry.context = m_session->contextName();
    entry.namespaceName = change.namespaceName;
    entry.kind = change.objectKind;
    entry.name = change.objectName;
    entry.service = change.service;
    entry.action = change.edit ? QStringLiteral("routing") : QStringLiteral("traffic split");
    entry.why = change.why;
    entry.summary = change.edit ? change.summary : shares.join(QStringLiteral(", "));
    entry.before = change.before ? QByteArray::fromStdString(change.before->dump()) : QByteArray();
    entry.after = after ? QByteArray::fromStdString(after->dump()) : QByteArray();
    QString error;
    if (!m_audit->append(entry, &error))
        Q_EMIT failed(error);
}

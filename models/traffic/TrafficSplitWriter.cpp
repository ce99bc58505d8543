// SPDX-License-Identifier: Apache-2.0
#include "TrafficSplitWriter.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

TrafficSplitWriter::TrafficSplitWriter(ClusterSession* session, AuditLog* audit, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_audit(audit)
{
}

TrafficSplitWriter::~TrafficSplitWriter()
{
    if (m_pending && m_session)
        m_session->kube().cancel(m_pending);
}

void TrafficSplitWriter::apply(const Change& change)
{
    if (!m_session || !change.split.isValid())
        return;
    if (m_pending)
        m_session->kube().cancel(m_pending); // the operator's latest intent wins
    const std::string path = kube::kinds::VirtualServices.objectPath(change.namespaceName.toStdString(),
                                                                     change.virtualService.toStdString());
    const QPointer<TrafficSplitWriter> self(this);
    const bool wasApplying = isApplying();
    m_pending = m_session->kube().patch(path, kube::PatchType::Json,
                                        change.split.weightPatch(change.weights, change.resourceVersion),
                                        [self, change](kube::JsonResult result) {
                                            if (!self)
                                                return;
                                            self->m_pending = 0;
                                            Q_EMIT self->applyingChanged(false);
                                            if (!result.error.ok()) {
                                                Q_EMIT self->failed(QString::fromStdString(result.error.describe()));
                                                return;
                                            }
                                            self->record(change, result.object);
                                            Q_EMIT self->applied(change.virtualService);
                                        });
    if (!wasApplying)
        Q_EMIT applyingChanged(true);
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
    entry.user = m_session->userName();
    entry.context = m_session->contextName();
    entry.namespaceName = change.namespaceName;
    entry.kind = QStringLiteral("VirtualService");
    entry.name = change.virtualService;
    entry.service = change.service;
    entry.action = QStringLiteral("traffic split");
    entry.why = change.why;
    entry.summary = shares.join(QStringLiteral(", "));
    entry.before = change.before ? QByteArray::fromStdString(change.before->dump()) : QByteArray();
    entry.after = after ? QByteArray::fromStdString(after->dump()) : QByteArray();
    QString error;
    if (!m_audit->append(entry, &error))
        Q_EMIT failed(error);
}

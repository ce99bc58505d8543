// SPDX-License-Identifier: Apache-2.0
#include "TrafficSplitWriter.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

TrafficSplitWriter::TrafficSplitWriter(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
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
    const QString name = change.virtualService;
    const bool wasApplying = isApplying();
    m_pending = m_session->kube().patch(path, kube::PatchType::Json,
                                        change.split.weightPatch(change.weights, change.resourceVersion),
                                        [self, name](kube::JsonResult result) {
                                            if (!self)
                                                return;
                                            self->m_pending = 0;
                                            Q_EMIT self->applyingChanged(false);
                                            if (result.error.ok())
                                                Q_EMIT self->applied(name);
                                            else
                                                Q_EMIT self->failed(QString::fromStdString(result.error.describe()));
                                        });
    if (!wasApplying)
        Q_EMIT applyingChanged(true);
}

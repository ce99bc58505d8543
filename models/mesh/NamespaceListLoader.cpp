// SPDX-License-Identifier: Apache-2.0
#include "NamespaceListLoader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/ClusterIdentity.h"
#include "kubeclient/KubeClient.h"

NamespaceListLoader::NamespaceListLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
}

NamespaceListLoader::~NamespaceListLoader()
{
    cancelPending();
}

void NamespaceListLoader::cancelPending()
{
    if (m_pending && m_session)
        m_session->kube().cancel(m_pending);
    m_pending = 0;
}

void NamespaceListLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    const QPointer<NamespaceListLoader> self(this);
    const auto id = std::make_shared<kube::RequestId>(0);
    *id = kube::listNamespacesOrFallback(m_session->kube(), [self, id](kube::NamespaceChoice choice) {
        if (!self || self->m_pending != *id)
            return; // replaced by a newer list
        self->m_pending = 0;
        if (choice.error) {
            Q_EMIT self->loadFailed(QString::fromStdString(choice.error.describe()));
            return;
        }
        QStringList names;
        for (const std::string& name : choice.names)
            names.append(QString::fromStdString(name));
        names.sort();
        Q_EMIT self->namespacesAvailable(names, !choice.fallback);
    });
    m_pending = *id;
}

// SPDX-License-Identifier: Apache-2.0
#include "MeshTopologyLoader.h"

#include "MeshTopologyParser.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <array>

struct MeshTopologyLoader::Pending {
    MeshTopologyParser::Lists lists;
    std::vector<kube::RequestId> requests;
    int outstanding = 0;
    bool failed = false;
};

MeshTopologyLoader::MeshTopologyLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespace(session->namespaceName())
{
    connect(&m_timer, &QTimer::timeout, this, &MeshTopologyLoader::refresh);
}

MeshTopologyLoader::~MeshTopologyLoader()
{
    cancelPending();
}

void MeshTopologyLoader::setNamespace(const QString& namespaceName)
{
    if (namespaceName == m_namespace)
        return;
    m_namespace = namespaceName;
    refresh();
}

void MeshTopologyLoader::setInterval(int milliseconds)
{
    if (milliseconds <= 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(milliseconds);
}

void MeshTopologyLoader::cancelPending()
{
    if (m_pending && m_session) {
        for (kube::RequestId id : m_pending->requests)
            m_session->kube().cancel(id);
    }
    m_pending.reset();
}

void MeshTopologyLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    auto pending = std::make_shared<Pending>();
    m_pending = pending;

    const std::string ns = m_namespace.toStdString();
    // Istio's and Gateway API's kinds are optional: a cluster without them answers 404, meaning "none".
    struct Wanted {
        const kube::ResourceKind* kind;
        RawObject* slot;
        bool optional;
    };
    const std::array<Wanted, 6> wanted{{
        {&kube::kinds::Services, &pending->lists.services, false},
        {&kube::kinds::Deployments, &pending->lists.deployments, false},
        {&kube::kinds::Pods, &pending->lists.pods, false},
        {&kube::kinds::VirtualServices, &pending->lists.virtualServices, true},
        {&kube::kinds::DestinationRules, &pending->lists.destinationRules, true},
        {&kube::kinds::HTTPRoutes, &pending->lists.httpRoutes, true},
    }};
    pending->outstanding = int(wanted.size());

    for (const Wanted& w : wanted) {
        const QPointer<MeshTopologyLoader> self(this);
        RawObject* target = w.slot;
        const bool optional = w.optional;
        pending->requests.push_back(m_session->kube().get(
            w.kind->collectionPath(ns), [self, pending, target, optional](kube::JsonResult result) {
                if (!self || self->m_pending != pending || pending->failed)
                    return; // superseded by a newer refresh, or already reported
                if (!result.error.ok() && !(optional && result.error.httpStatus == 404)) {
                    pending->failed = true;
                    Q_EMIT self->loadFailed(QString::fromStdString(result.error.describe()));
                    return;
                }
                *target = result.object;
                if (--pending->outstanding == 0) {
                    self->m_pending.reset();
                    Q_EMIT self->topologyAvailable(MeshTopologyParser::parse(self->m_namespace, pending->lists));
                }
            }));
    }
}

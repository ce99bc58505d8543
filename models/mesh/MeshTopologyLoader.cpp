// SPDX-License-Identifier: Apache-2.0
#include "MeshTopologyLoader.h"

#include "MeshTopologyParser.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <algorithm>
#include <array>

struct MeshTopologyLoader::Pending {
    struct Namespace {
        MeshTopologyParser::Lists lists;
        QString forbidden; // why the namespace cannot be shown at all; empty when it can
        QList<HiddenPart> hiddenKinds;
    };
    QList<Namespace> namespaces; // in the order of m_namespaces
    std::vector<kube::RequestId> requests;
    int outstanding = 0;
    bool failed = false;
};

namespace {

QStringList withoutDuplicates(QStringList names)
{
    names.removeAll(QString());
    names.removeDuplicates();
    return names;
}

} // namespace

MeshTopologyLoader::MeshTopologyLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespaces{session->namespaceName()}
{
    connect(&m_timer, &QTimer::timeout, this, &MeshTopologyLoader::refresh);
}

MeshTopologyLoader::~MeshTopologyLoader()
{
    cancelPending();
}

void MeshTopologyLoader::setNamespaces(const QStringList& namespaces)
{
    QStringList wanted = withoutDuplicates(namespaces);
    if (wanted.isEmpty() && m_session)
        wanted = {m_session->namespaceName()};
    if (wanted == m_namespaces)
        return;
    m_namespaces = wanted;
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
    pending->namespaces.resize(m_namespaces.size());

    // Services decide whether a namespace can be shown; every other kind only adds to it. Istio's
    // and Gateway API's kinds are optional anyway: a cluster without them answers 404, meaning "none".
    struct Wanted {
        const kube::ResourceKind* kind;
        RawObject MeshTopologyParser::Lists::*slot;
        bool decidesNamespace;
    };
    constexpr std::array<Wanted, 6> wanted{{
        {&kube::kinds::Services, &MeshTopologyParser::Lists::services, true},
        {&kube::kinds::Deployments, &MeshTopologyParser::Lists::deployments, false},
        {&kube::kinds::Pods, &MeshTopologyParser::Lists::pods, false},
        {&kube::kinds::VirtualServices, &MeshTopologyParser::Lists::virtualServices, false},
        {&kube::kinds::DestinationRules, &MeshTopologyParser::Lists::destinationRules, false},
        {&kube::kinds::HTTPRoutes, &MeshTopologyParser::Lists::httpRoutes, false},
    }};
    pending->outstanding = int(wanted.size() * m_namespaces.size());

    for (qsizetype n = 0; n < m_namespaces.size(); ++n) {
        const std::string ns = m_namespaces.at(n).toStdString();
        for (const Wanted& w : wanted) {
            const QPointer<MeshTopologyLoader> self(this);
            pending->requests.push_back(m_session->kube().get(
                w.kind->collectionPath(ns), [self, pending, n, w](kube::JsonResult result) {
                    if (!self || self->m_pending != pending || pending->failed)
                        return; // superseded by a newer refresh, or already reported
                    Pending::Namespace& space = pending->namespaces[n];
                    if (result.error.httpStatus == 403) {
                        const QString reason = QString::fromStdString(
                            result.error.message.empty() ? result.error.describe() : result.error.message);
                        if (w.decidesNamespace)
                            space.forbidden = reason;
                        else
                            space.hiddenKinds.append({self->m_namespaces.at(n), QString::fromStdString(w.kind->plural), reason});
                    } else if (!result.error.ok() && result.error.httpStatus != 404) {
                        pending->failed = true;
                        Q_EMIT self->loadFailed(QString::fromStdString(result.error.describe()));
                        return;
                    } else {
                        space.lists.*(w.slot) = result.object;
                    }
                    if (--pending->outstanding > 0)
                        return;
                    self->m_pending.reset();
                    MeshTopologies topologies;
                    for (qsizetype i = 0; i < pending->namespaces.size(); ++i) {
                        const Pending::Namespace& read = pending->namespaces.at(i);
                        const QString& name = self->m_namespaces.at(i);
                        if (!read.forbidden.isEmpty()) {
                            topologies.hidden.append({name, QString(), read.forbidden});
                            continue;
                        }
                        QList<HiddenPart> kinds = read.hiddenKinds; // in answer order: sorted, so refreshes agree
                        std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
                        topologies.hidden.append(kinds);
                        topologies.namespaces.append(MeshTopologyParser::parse(name, read.lists));
                    }
                    Q_EMIT self->topologyAvailable(topologies);
                }));
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
#include "MeshTopologyLoader.h"

#include "MeshTopologyParser.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace {

// Services decide whether a namespace can be shown; every other kind only adds to it. Istio's and
// Gateway API's kinds are optional anyway: a cluster without them answers 404, meaning "none".
struct Wanted {
    const kube::ResourceKind* kind;
    void (MeshTopologyParser::*add)(const nlohmann::json& list);
    bool decidesNamespace;
};
constexpr std::array<Wanted, 6> Kinds{{
    {&kube::kinds::Services, &MeshTopologyParser::addServices, true},
    {&kube::kinds::Deployments, &MeshTopologyParser::addDeployments, false},
    {&kube::kinds::Pods, &MeshTopologyParser::addPods, false},
    {&kube::kinds::VirtualServices, &MeshTopologyParser::addVirtualServices, false},
    {&kube::kinds::DestinationRules, &MeshTopologyParser::addDestinationRules, false},
    {&kube::kinds::HTTPRoutes, &MeshTopologyParser::addHttpRoutes, false},
}};

QStringList withoutDuplicates(QStringList names)
{
    names.removeAll(QString());
    names.removeDuplicates();
    return names;
}

} // namespace

// One list in flight at a time, each reduced by the parser as it arrives: the I/O thread parses an
// answer into a document as soon as it is complete, so lists asked for together were parsed and
// held together (at 2,000 services over 100 MB at once, which glibc then keeps). Asking in turn
// costs a round trip per list; for bookinfo that is a few milliseconds.
struct MeshTopologyLoader::Pending {
    struct Namespace {
        explicit Namespace(const QString& name)
            : parser(name)
        {
        }
        MeshTopologyParser parser;
        QString forbidden; // why the namespace cannot be shown at all; empty when it can
        QList<HiddenPart> hiddenKinds;
    };
    std::vector<Namespace> namespaces; // in the order of m_namespaces
    size_t next = 0;                   // the next of namespaces × Kinds to ask for
    std::optional<kube::RequestId> inFlight;
};

MeshTopologyLoader::MeshTopologyLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespaces{session->namespaceName()}
{
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_pending)
            refresh();
    });
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
    if (m_pending && m_pending->inFlight && m_session)
        m_session->kube().cancel(*m_pending->inFlight);
    m_pending.reset();
}

void MeshTopologyLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    auto pending = std::make_shared<Pending>();
    m_pending = pending;
    pending->namespaces.reserve(size_t(m_namespaces.size()));
    for (const QString& name : std::as_const(m_namespaces))
        pending->namespaces.emplace_back(name);
    requestNext(pending);
}

void MeshTopologyLoader::requestNext(const std::shared_ptr<Pending>& pending)
{
    pending->inFlight.reset();
    // A namespace whose services are forbidden is left out whole: its other kinds are not asked for.
    while (pending->next < pending->namespaces.size() * Kinds.size()
           && !pending->namespaces[pending->next / Kinds.size()].forbidden.isEmpty())
        ++pending->next;
    if (pending->next == pending->namespaces.size() * Kinds.size()) {
        publish(*pending);
        return;
    }
    const size_t n = pending->next / Kinds.size();
    const Wanted& w = Kinds[pending->next % Kinds.size()];
    ++pending->next;
    const QPointer<MeshTopologyLoader> self(this);
    pending->inFlight = m_session->kube().get(
        w.kind->collectionPath(m_namespaces.at(qsizetype(n)).toStdString()), [self, pending, n, &w](kube::JsonResult result) {
            if (!self || self->m_pending != pending)
                return; // superseded by a newer refresh
            Pending::Namespace& space = pending->namespaces[n];
            if (result.error.httpStatus == 403) {
                const QString reason =
                    QString::fromStdString(result.error.message.empty() ? result.error.describe() : result.error.message);
                if (w.decidesNamespace)
                    space.forbidden = reason;
                else
                    space.hiddenKinds.append({self->m_namespaces.at(qsizetype(n)), QString::fromStdString(w.kind->plural), reason});
            } else if (!result.error.ok() && result.error.httpStatus != 404) {
                self->m_pending.reset();
                Q_EMIT self->loadFailed(QString::fromStdString(result.error.describe()));
                return;
            } else if (result.object) {
                (space.parser.*(w.add))(*result.object);
            }
            self->requestNext(pending);
        });
}

void MeshTopologyLoader::publish(Pending& pending)
{
    m_pending.reset();
    MeshTopologies topologies;
    for (size_t i = 0; i < pending.namespaces.size(); ++i) {
        Pending::Namespace& read = pending.namespaces[i];
        const QString& name = m_namespaces.at(qsizetype(i));
        if (!read.forbidden.isEmpty()) {
            topologies.hidden.append({name, QString(), read.forbidden});
            continue;
        }
        QList<HiddenPart> kinds = read.hiddenKinds; // in answer order: sorted, so refreshes agree
        std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
        topologies.hidden.append(kinds);
        topologies.namespaces.append(read.parser.finish());
    }
    Q_EMIT topologyAvailable(topologies);
}

// SPDX-License-Identifier: Apache-2.0
#include "MeshTopologyLoader.h"

#include "MeshTopologyParser.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/Informer.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace {

// A burst of events (a rollout, a split applied to several routes) becomes one publish this long
// after its first event: short enough to feel immediate, long enough to gather the burst.
constexpr int CoalesceMs = 150;

// Services decide whether a namespace can be shown, and the other kinds are watched only once
// they could be listed; every other kind only adds to it. Istio's and Gateway API's kinds are
// optional anyway: a cluster without them answers 404, meaning "none".
struct Wanted {
    const kube::ResourceKind* kind;
    void (*add)(MeshTopologyParser& parser, const kube::ObjectPtr& object);
    RawObject (*fields)(const RawObject& object); // what the cache keeps; null: the whole object
};
constexpr size_t ServicesKind = 0;
constexpr std::array<Wanted, 6> Kinds{{
    {&kube::kinds::Services, [](MeshTopologyParser& p, const kube::ObjectPtr& o) { p.addService(*o); },
     &MeshTopologyParser::serviceFields},
    {&kube::kinds::Deployments, [](MeshTopologyParser& p, const kube::ObjectPtr& o) { p.addDeployment(*o); },
     &MeshTopologyParser::deploymentFields},
    {&kube::kinds::Pods, [](MeshTopologyParser& p, const kube::ObjectPtr& o) { p.addPod(*o); }, &MeshTopologyParser::podFields},
    {&kube::kinds::VirtualServices, [](MeshTopologyParser& p, const kube::ObjectPtr& o) { p.addVirtualService(o); }, nullptr},
    {&kube::kinds::DestinationRules, [](MeshTopologyParser& p, const kube::ObjectPtr& o) { p.addDestinationRule(o); }, nullptr},
    {&kube::kinds::HTTPRoutes, [](MeshTopologyParser& p, const kube::ObjectPtr& o) { p.addHttpRoute(o); }, nullptr},
}};

QStringList withoutDuplicates(QStringList names)
{
    names.removeAll(QString());
    names.removeDuplicates();
    return names;
}

// Whether two states of a trimmed object differ in more than their resourceVersion: a pod's status
// changes often in ways the topology does not read, and those must not rebuild the graph.
bool differsBeyondVersion(const nlohmann::json& previous, const nlohmann::json& current)
{
    nlohmann::json a = previous;
    nlohmann::json b = current;
    for (nlohmann::json* object : {&a, &b}) {
        if (object->contains("metadata") && (*object)["metadata"].is_object())
            (*object)["metadata"].erase("resourceVersion");
    }
    return a != b;
}

} // namespace

struct MeshTopologyLoader::Watched {
    enum class State { Waiting, Listed, Absent, Forbidden };
    struct Kind {
        std::unique_ptr<kube::Informer> informer;
        State state = State::Waiting;
        QString reason; // why it is forbidden
    };
    explicit Watched(const QString& n)
        : name(n)
    {
    }
    QString name;
    std::array<Kind, Kinds.size()> kinds;

    bool hidden() const { return kinds[ServicesKind].state == State::Forbidden; }
    bool listed() const
    {
        return hidden() || std::none_of(kinds.cbegin(), kinds.cend(), [](const Kind& k) { return k.state == State::Waiting; });
    }
};

MeshTopologyLoader::MeshTopologyLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespaces{session->namespaceName()}
{
    m_publishTimer.setSingleShot(true);
    connect(&m_publishTimer, &QTimer::timeout, this, &MeshTopologyLoader::publish);
}

MeshTopologyLoader::~MeshTopologyLoader()
{
    for (const auto& watched : m_watched)
        forget(*watched);
}

void MeshTopologyLoader::setNamespaces(const QStringList& namespaces)
{
    QStringList wanted = withoutDuplicates(namespaces);
    if (wanted.isEmpty() && m_session)
        wanted = {m_session->namespaceName()};
    if (wanted == m_namespaces && m_watching)
        return;
    m_namespaces = wanted;
    watchNamespaces();
}

void MeshTopologyLoader::setInterval(int milliseconds)
{
    m_interval = std::max(0, milliseconds);
}

int MeshTopologyLoader::listCount() const
{
    int lists = 0;
    for (const auto& watched : m_watched) {
        for (const Watched::Kind& kind : watched->kinds)
            lists += kind.informer ? kind.informer->listCount() : 0;
    }
    return lists;
}

void MeshTopologyLoader::refresh()
{
    if (!m_session)
        return;
    if (!m_watching)
        watchNamespaces();
    else if (allListed())
        schedulePublish(CoalesceMs);
}

void MeshTopologyLoader::forget(Watched& watched)
{
    for (Watched::Kind& kind : watched.kinds) {
        // Destroying the session destroyed its client, which cancelled all the informers had in flight.
        if (kind.informer && !m_session)
            kind.informer->abandon();
        kind.informer.reset();
    }
}

void MeshTopologyLoader::watchNamespaces()
{
    std::vector<std::unique_ptr<Watched>> kept;
    for (auto& watched : m_watched) {
        if (m_namespaces.contains(watched->name))
            kept.push_back(std::move(watched));
        else
            forget(*watched);
    }
    m_watched.clear();
    if (!m_session)
        return;
    m_watching = true;
    for (const QString& name : std::as_const(m_namespaces)) {
        const auto it = std::find_if(kept.begin(), kept.end(), [&](const auto& w) { return w && w->name == name; });
        if (it != kept.end()) {
            m_watched.push_back(std::move(*it));
            continue;
        }
        m_watched.push_back(std::make_unique<Watched>(name));
        startKind(*m_watched.back(), ServicesKind);
    }
    changed(); // a namespace gone is a change; one added is published once it is listed
}

void MeshTopologyLoader::startKind(Watched& watched, size_t kind)
{
    const Wanted& wanted = Kinds[kind];
    Watched::Kind& state = watched.kinds[kind];
    // Watched lives on the heap and outlives its informers, which run these on this thread.
    Watched* const where = &watched;
    auto become = [this, where, kind](Watched::State now, const QString& reason = {}) {
        Watched::Kind& k = where->kinds[kind];
        if (k.state == now && k.reason == reason)
            return;
        const bool firstListOfServices = kind == ServicesKind && now == Watched::State::Listed && !where->kinds[1].informer;
        k.state = now;
        k.reason = reason;
        if (firstListOfServices) {
            for (size_t other = 1; other < Kinds.size(); ++other)
                startKind(*where, other);
        }
        changed();
    };
    kube::Informer::Handlers handlers;
    handlers.added = [this](const kube::ObjectPtr&) { changed(); };
    handlers.deleted = [this](const kube::ObjectPtr&) { changed(); };
    handlers.updated = [this, trimmed = wanted.fields != nullptr](const kube::ObjectPtr& previous, const kube::ObjectPtr& current) {
        if (!trimmed || differsBeyondVersion(*previous, *current))
            changed();
    };
    handlers.listed = [become] { become(Watched::State::Listed); };
    handlers.failed = [this, become](const kube::ApiError& error) {
        if (error.httpStatus == 403)
            become(Watched::State::Forbidden, QString::fromStdString(error.message.empty() ? error.describe() : error.message));
        else if (error.httpStatus == 404)
            become(Watched::State::Absent);
        else
            Q_EMIT loadFailed(QString::fromStdString(error.describe()));
    };
    kube::InformerOptions options;
    if (wanted.fields)
        options.transform = wanted.fields;
    state.informer = std::make_unique<kube::Informer>(m_session->kube(), wanted.kind->collectionPath(watched.name.toStdString()),
                                                      std::move(handlers), std::move(options));
    state.informer->start();
}

bool MeshTopologyLoader::allListed() const
{
    return std::all_of(m_watched.cbegin(), m_watched.cend(), [](const auto& w) { return w->listed(); });
}

void MeshTopologyLoader::changed()
{
    // Until every namespace is listed there is nothing consistent to publish; the last list in calls this.
    if (!allListed() || m_publishTimer.isActive())
        return;
    const qint64 sinceLast = m_sincePublished.isValid() ? m_sincePublished.elapsed() : m_interval;
    schedulePublish(int(std::max<qint64>(CoalesceMs, m_interval - sinceLast)));
}

void MeshTopologyLoader::schedulePublish(int delayMs)
{
    if (m_publishTimer.isActive() && m_publishTimer.remainingTime() <= delayMs)
        return;
    m_publishTimer.start(delayMs);
}

void MeshTopologyLoader::publish()
{
    if (!m_session || !allListed())
        return;
    MeshTopologies topologies;
    for (const auto& watched : m_watched) {
        if (watched->hidden()) {
            topologies.hidden.append({watched->name, QString(), watched->kinds[ServicesKind].reason});
            continue;
        }
        MeshTopologyParser parser(watched->name);
        QList<HiddenPart> kinds;
        for (size_t k = 0; k < Kinds.size(); ++k) {
            const Watched::Kind& kind = watched->kinds[k];
            if (kind.state == Watched::State::Forbidden)
                kinds.append({watched->name, QString::fromStdString(Kinds[k].kind->plural), kind.reason});
            if (kind.state != Watched::State::Listed)
                continue;
            for (const kube::ObjectPtr& object : kind.informer->cache().items())
                Kinds[k].add(parser, object);
        }
        std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
        topologies.hidden.append(kinds);
        topologies.namespaces.append(parser.finish());
    }
    m_sincePublished.start();
    Q_EMIT topologyAvailable(topologies);
}

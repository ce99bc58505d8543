// SPDX-License-Identifier: Apache-2.0
#include "MeshGraphBuilder.h"

#include "models/traffic/VirtualServiceSplit.h"

#include <nlohmann/json.hpp>

#include <QHash>

#include <functional>
#include <vector>

namespace {

// The short service name an Istio host means in this namespace ("reviews.bookinfo.svc" -> "reviews").
QString serviceOfHost(const QString& host, const QString& namespaceName)
{
    const QString qualified = u'.' + namespaceName;
    const QString suffixes[] = {qualified + u".svc.cluster.local", qualified + u".svc", qualified};
    for (const QString& suffix : suffixes) {
        if (host.endsWith(suffix))
            return host.left(host.size() - suffix.size());
    }
    return host;
}

struct RouteBadges {
    bool headerRouting = false;
    bool faultInjection = false;
};

RouteBadges routeBadges(const nlohmann::json& virtualService)
{
    RouteBadges badges;
    const auto spec = virtualService.find("spec");
    if (spec == virtualService.end() || !spec->contains("http") || !(*spec)["http"].is_array())
        return badges;
    for (const auto& route : (*spec)["http"]) {
        if (route.contains("match") && route["match"].is_array()) {
            for (const auto& match : route["match"])
                badges.headerRouting = badges.headerRouting || match.contains("headers");
        }
        // A fault without a percentage affects no request, so only a non-zero one is "active".
        if (route.contains("fault") && route["fault"].is_object()) {
            for (const char* kind : {"delay", "abort"}) {
                const auto fault = route["fault"].find(kind);
                if (fault == route["fault"].end() || !fault->is_object())
                    continue;
                const auto percentage = fault->find("percentage");
                if (percentage != fault->end() && percentage->is_object() && percentage->value("value", 0.0) > 0)
                    badges.faultInjection = true;
            }
        }
    }
    return badges;
}

bool hasCircuitBreaker(const nlohmann::json& destinationRule)
{
    auto breaks = [](const nlohmann::json& policy) {
        return policy.is_object() && (policy.contains("connectionPool") || policy.contains("outlierDetection"));
    };
    const auto spec = destinationRule.find("spec");
    if (spec == destinationRule.end() || !spec->is_object())
        return false;
    if (spec->contains("trafficPolicy") && breaks((*spec)["trafficPolicy"]))
        return true;
    if (spec->contains("subsets") && (*spec)["subsets"].is_array()) {
        for (const auto& subset : (*spec)["subsets"]) {
            if (subset.contains("trafficPolicy") && breaks(subset["trafficPolicy"]))
                return true;
        }
    }
    return false;
}

// Accumulates edges and node rates; several samples fold into one edge in the coarser kinds.
// Nodes are found by index, through tables of bare names per namespace: a refresh at 2,000 services
// folds ~15,000 samples, and building and hashing an id string for every lookup was most of its time.
class GraphAccumulator {
public:
    explicit GraphAccumulator(MeshGraph& graph)
        : m_graph(graph)
    {
    }

    // The shown namespace's service, workload and each workload's service node, by bare name.
    struct Names {
        QHash<QString, int> services;
        QHash<QString, int> workloads;
        QHash<QString, int> serviceOfWorkload; // a caller in the service graph is its service
    };
    Names& names(const QString& namespaceName) { return m_names[namespaceName]; }
    const Names* namesOf(const QString& namespaceName) const
    {
        const auto it = m_names.constFind(namespaceName);
        return it == m_names.cend() ? nullptr : &*it;
    }

    int addNode(GraphNode node)
    {
        m_graph.nodes.append(std::move(node));
        return int(m_graph.nodes.size() - 1);
    }
    // Outside nodes are few and found by id.
    int outsideNode(const QString& id, const std::function<GraphNode()>& make)
    {
        auto it = m_outside.constFind(id);
        if (it == m_outside.cend())
            it = m_outside.insert(id, addNode(make()));
        return *it;
    }

    void addTraffic(int source, int target, const EdgeSample& sample)
    {
        const quint64 key = (quint64(quint32(source)) << 32) | quint32(target);
        auto it = m_edgeIndex.constFind(key);
        if (it == m_edgeIndex.cend()) {
            it = m_edgeIndex.insert(key, m_graph.edges.size());
            GraphEdge edge;
            edge.source = m_graph.nodes.at(source).id;
            edge.target = m_graph.nodes.at(target).id;
            edge.id = edge.source + QStringLiteral("->") + edge.target;
            m_graph.edges.append(std::move(edge));
            m_sums.append({source, target});
        }
        GraphEdge& edge = m_graph.edges[*it];
        Sums& sums = m_sums[*it];
        sums.server += sample.errorsPerSecond;
        sums.client += sample.clientErrorsPerSecond;
        // Where edges merge, quantiles are averaged by rate: an approximation, exact for one sample.
        for (auto [from, into, weight] : {std::tuple{sample.p50Ms, &sums.p50, &sums.p50Weight},
                                          std::tuple{sample.p95Ms, &sums.p95, &sums.p95Weight},
                                          std::tuple{sample.p99Ms, &sums.p99, &sums.p99Weight}}) {
            if (from >= 0) {
                const double w = std::max(sample.requestsPerSecond, 1e-9);
                *into += from * w;
                *weight += w;
            }
        }
        edge.requestsPerSecond += sample.requestsPerSecond;
        GraphNode& node = m_graph.nodes[target];
        node.requestsPerSecond += sample.requestsPerSecond;
        node.serverErrorsPerSecond += sample.errorsPerSecond;
        node.clientErrorsPerSecond += sample.clientErrorsPerSecond;
    }

    // Turns the sums into ratios and shares, and drops what is idle unless it is wanted.
    void finish(bool showIdle)
    {
        std::vector<double> outgoing(size_t(m_graph.nodes.size()), 0);
        for (qsizetype i = 0; i < m_graph.edges.size(); ++i)
            outgoing[size_t(m_sums.at(i).source)] += m_graph.edges.at(i).requestsPerSecond;
        std::vector<char> connected(size_t(m_graph.nodes.size()), 0);
        QList<GraphEdge> kept;
        kept.reserve(m_graph.edges.size());
        for (qsizetype i = 0; i < m_graph.edges.size(); ++i) {
            GraphEdge& edge = m_graph.edges[i];
            const Sums& sums = m_sums.at(i);
            const double rate = edge.requestsPerSecond;
            edge.errorRatio = rate > 0 ? sums.server / rate : 0;
            edge.clientErrorRatio = rate > 0 ? sums.client / rate : 0;
            const double out = outgoing[size_t(sums.source)];
            edge.share = out > 0 ? rate / out : 0;
            edge.p50Ms = sums.p50Weight > 0 ? sums.p50 / sums.p50Weight : -1;
            edge.p95Ms = sums.p95Weight > 0 ? sums.p95 / sums.p95Weight : -1;
            edge.p99Ms = sums.p99Weight > 0 ? sums.p99 / sums.p99Weight : -1;
            if (!showIdle && rate <= 0)
                continue;
            connected[size_t(sums.source)] = 1;
            connected[size_t(sums.target)] = 1;
            kept.append(std::move(edge));
        }
        m_graph.edges = std::move(kept);
        if (!showIdle) {
            QList<GraphNode> shown;
            shown.reserve(m_graph.nodes.size());
            for (qsizetype i = 0; i < m_graph.nodes.size(); ++i) {
                if (connected[size_t(i)])
                    shown.append(std::move(m_graph.nodes[i]));
            }
            m_graph.nodes = std::move(shown);
        }
    }

private:
    struct Sums {
        int source = 0;
        int target = 0;
        double server = 0;
        double client = 0;
        double p50 = 0, p50Weight = 0;
        double p95 = 0, p95Weight = 0;
        double p99 = 0, p99Weight = 0;
    };
    MeshGraph& m_graph;
    QHash<QString, Names> m_names;
    QHash<QString, int> m_outside;
    QHash<quint64, qsizetype> m_edgeIndex;
    QList<Sums> m_sums;
};

} // namespace

QString MeshGraphBuilder::serviceId(const QString& namespaceName, const QString& service)
{
    return QStringLiteral("svc:") + namespaceName + u'/' + service;
}

QString MeshGraphBuilder::workloadId(const QString& namespaceName, const QString& workload)
{
    return QStringLiteral("wl:") + namespaceName + u'/' + workload;
}

QString MeshGraphBuilder::externalId(const QString& namespaceName, const QString& workload)
{
    if (workload.isEmpty() || workload == u"unknown")
        return QStringLiteral("ext:unknown");
    return QStringLiteral("ext:") + namespaceName + u'/' + workload;
}

MeshGraph MeshGraphBuilder::build(const MeshTopology& topology, const EdgeTelemetry& telemetry, const GraphOptions& options)
{
    return build(MeshTopologies{{topology}, {}}, telemetry, options);
}

MeshGraph MeshGraphBuilder::build(const MeshTopologies& topologies, const EdgeTelemetry& telemetry, const GraphOptions& options)
{
    MeshGraph graph;
    GraphAccumulator acc(graph);
    const bool showServices = options.kind != GraphKind::Workload;
    const bool showWorkloads = options.kind != GraphKind::Service;
    // One namespace needs no saying; among several, "reviews" alone would be ambiguous.
    const bool namespaceShown = topologies.namespaces.size() > 1;

    for (const MeshTopology& topology : topologies.namespaces) {
        const QString& ns = topology.namespaceName;
        GraphAccumulator::Names& names = acc.names(ns);
        // Routing objects by the service they name, once: looking them up per service is quadratic.
        QHash<QString, const MeshVirtualService*> virtualServices;
        for (const MeshVirtualService& vs : topology.virtualServices) {
            for (const QString& host : vs.hosts)
                virtualServices.insert(serviceOfHost(host, ns), &vs);
        }
        QHash<QString, const MeshDestinationRule*> destinationRules;
        for (const MeshDestinationRule& dr : topology.destinationRules)
            destinationRules.insert(serviceOfHost(dr.host, ns), &dr);

        const QHash<QString, QList<const MeshWorkload*>> workloadsByService = topology.workloadsByService();
        QHash<QString, GraphNode> serviceBadges; // a workload node in the workload graph shows its service's
        for (const MeshService& service : topology.services) {
            GraphNode node;
            node.id = serviceId(ns, service.name);
            node.kind = GraphNodeKind::Service;
            node.name = service.name;
            node.namespaceName = ns;
            node.namespaceShown = namespaceShown;
            node.service = service.name;
            if (const MeshVirtualService* vs = virtualServices.value(service.name)) {
                node.hasVirtualService = true;
                const VirtualServiceSplit split = VirtualServiceSplit::read(*vs->raw, topology, service.name);
                node.hasTrafficSplit = split.activeDestinationCount() > 1;
                const RouteBadges badges = routeBadges(*vs->raw);
                node.hasHeaderRouting = badges.headerRouting;
                node.hasFaultInjection = badges.faultInjection;
            } else if (const MeshHttpRoute* route = topology.httpRouteFor(service.name); route && route->raw) {
                node.hasTrafficSplit = VirtualServiceSplit::readHttpRoute(*route->raw).activeDestinationCount() > 1;
            }
            if (const MeshDestinationRule* dr = destinationRules.value(service.name))
                node.hasCircuitBreaker = dr->raw && hasCircuitBreaker(*dr->raw);
            const QList<const MeshWorkload*> workloads = workloadsByService.value(service.name);
            node.missingSidecar = std::any_of(workloads.cbegin(), workloads.cend(),
                                              [](const MeshWorkload* w) { return w->podsWithoutSidecar > 0; });
            if (showServices)
                names.services.insert(service.name, acc.addNode(node));
            else
                serviceBadges.insert(service.name, node);
        }
        for (const MeshWorkload& workload : topology.workloads) {
            const int serviceNode = names.services.value(workload.app, -1);
            if (serviceNode >= 0)
                names.serviceOfWorkload.insert(workload.name, serviceNode);
            if (!showWorkloads)
                continue;
            GraphNode node;
            node.id = workloadId(ns, workload.name);
            node.kind = GraphNodeKind::Workload;
            node.name = workload.name;
            node.namespaceName = ns;
            node.namespaceShown = namespaceShown;
            node.service = workload.app;
            node.version = workload.version;
            node.readyPods = workload.readyPods;
            node.desiredPods = workload.desiredReplicas;
            node.missingSidecar = workload.podsWithoutSidecar > 0;
            if (!showServices) {
                const GraphNode badges = serviceBadges.value(workload.app);
                node.hasVirtualService = badges.hasVirtualService;
                node.hasTrafficSplit = badges.hasTrafficSplit;
                node.hasHeaderRouting = badges.hasHeaderRouting;
                node.hasFaultInjection = badges.hasFaultInjection;
                node.hasCircuitBreaker = badges.hasCircuitBreaker;
            }
            names.workloads.insert(workload.name, acc.addNode(node));
        }
    }

    // The node a sample's caller is in this kind of graph, if it is shown; -1 if not.
    auto shownSource = [&](const EdgeSample& sample) {
        const GraphAccumulator::Names* names = acc.namesOf(sample.sourceNamespace);
        if (!names)
            return -1;
        return (showWorkloads ? names->workloads : names->serviceOfWorkload).value(sample.sourceWorkload, -1);
    };
    // Callers in a namespace not shown, or workloads the topology does not know, get an outside
    // node of their own, as in Kiali.
    auto sourceNode = [&](const EdgeSample& sample) {
        const int shown = shownSource(sample);
        if (shown >= 0)
            return shown;
        return acc.outsideNode(externalId(sample.sourceNamespace, sample.sourceWorkload), [&] {
            GraphNode node;
            node.id = externalId(sample.sourceNamespace, sample.sourceWorkload);
            node.kind = GraphNodeKind::External;
            const bool unknown = node.id == u"ext:unknown";
            node.name = unknown ? QStringLiteral("unknown") : sample.sourceWorkload;
            node.namespaceName = unknown ? QString() : sample.sourceNamespace;
            return node;
        });
    };
    // Traffic from a shown node into a namespace not shown ends at an outside node of that
    // namespace, as in Kiali: the destination service (its workload in the workload graph), with the
    // id it would have if its namespace were shown, so adding the namespace later keeps the edge's id.
    auto outsideDestination = [&](const EdgeSample& sample) {
        const bool workloads = options.kind == GraphKind::Workload;
        const QString id = workloads ? externalId(sample.destinationNamespace, sample.destinationWorkload)
                                     : serviceId(sample.destinationNamespace, sample.destinationService);
        return acc.outsideNode(id, [&] {
            GraphNode node;
            node.id = id;
            node.kind = GraphNodeKind::External;
            node.name = workloads ? sample.destinationWorkload : sample.destinationService;
            node.namespaceName = sample.destinationNamespace;
            node.service = sample.destinationService;
            node.version = workloads ? sample.destinationVersion : QString();
            return node;
        });
    };

    for (const EdgeSample& sample : telemetry.samples) {
        if (sample.requestsPerSecond < 0 || (!options.showIdle && sample.requestsPerSecond == 0))
            continue;
        const GraphAccumulator::Names* destination = acc.namesOf(sample.destinationNamespace);
        if (!destination) {
            // Only calls made from the namespaces shown: traffic between two others is no part of this graph.
            const int source = shownSource(sample);
            if (source >= 0)
                acc.addTraffic(source, outsideDestination(sample), sample);
            continue;
        }
        // -1: a service or workload that has gone since the topology was read.
        const int serviceNode = destination->services.value(sample.destinationService, -1);
        const int workloadNode = destination->workloads.value(sample.destinationWorkload, -1);
        switch (options.kind) {
        case GraphKind::VersionedApp:
            if (serviceNode < 0)
                continue;
            acc.addTraffic(sourceNode(sample), serviceNode, sample);
            if (workloadNode >= 0)
                acc.addTraffic(serviceNode, workloadNode, sample);
            break;
        case GraphKind::Service:
            if (serviceNode >= 0)
                acc.addTraffic(sourceNode(sample), serviceNode, sample);
            break;
        case GraphKind::Workload:
            if (workloadNode >= 0)
                acc.addTraffic(sourceNode(sample), workloadNode, sample);
            break;
        }
    }
    acc.finish(options.showIdle);
    for (GraphNode& node : graph.nodes)
        node.rateKnown = telemetry.arrived;
    return graph;
}

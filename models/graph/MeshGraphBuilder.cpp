// SPDX-License-Identifier: Apache-2.0
#include "MeshGraphBuilder.h"

#include "models/traffic/VirtualServiceSplit.h"

#include <nlohmann/json.hpp>

#include <QHash>
#include <QSet>

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
class GraphAccumulator {
public:
    explicit GraphAccumulator(MeshGraph& graph)
        : m_graph(graph)
    {
    }

    bool hasNode(const QString& id) const { return m_nodeIndex.contains(id); }
    void addNode(GraphNode node)
    {
        m_nodeIndex.insert(node.id, m_graph.nodes.size());
        m_graph.nodes.append(std::move(node));
    }

    void addTraffic(const QString& source, const QString& target, const EdgeSample& sample)
    {
        const QString id = source + QStringLiteral("->") + target;
        auto it = m_edgeIndex.constFind(id);
        if (it == m_edgeIndex.cend()) {
            it = m_edgeIndex.insert(id, m_graph.edges.size());
            GraphEdge edge;
            edge.id = id;
            edge.source = source;
            edge.target = target;
            m_graph.edges.append(edge);
            m_errors.append(Sums());
        }
        GraphEdge& edge = m_graph.edges[*it];
        Sums& sums = m_errors[*it];
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
        GraphNode& node = m_graph.nodes[m_nodeIndex.value(target)];
        node.requestsPerSecond += sample.requestsPerSecond;
        node.serverErrorsPerSecond += sample.errorsPerSecond;
        node.clientErrorsPerSecond += sample.clientErrorsPerSecond;
    }

    // Turns the sums into ratios and shares, and drops what is idle unless it is wanted.
    void finish(bool showIdle)
    {
        QHash<QString, double> outgoing;
        for (const GraphEdge& edge : std::as_const(m_graph.edges))
            outgoing[edge.source] += edge.requestsPerSecond;
        QSet<QString> connected;
        QList<GraphEdge> kept;
        kept.reserve(m_graph.edges.size());
        for (qsizetype i = 0; i < m_graph.edges.size(); ++i) {
            GraphEdge& edge = m_graph.edges[i];
            const Sums& sums = m_errors.at(i);
            const double rate = edge.requestsPerSecond;
            edge.errorRatio = rate > 0 ? sums.server / rate : 0;
            edge.clientErrorRatio = rate > 0 ? sums.client / rate : 0;
            const double out = outgoing.value(edge.source);
            edge.share = out > 0 ? rate / out : 0;
            edge.p50Ms = sums.p50Weight > 0 ? sums.p50 / sums.p50Weight : -1;
            edge.p95Ms = sums.p95Weight > 0 ? sums.p95 / sums.p95Weight : -1;
            edge.p99Ms = sums.p99Weight > 0 ? sums.p99 / sums.p99Weight : -1;
            if (!showIdle && rate <= 0)
                continue;
            connected.insert(edge.source);
            connected.insert(edge.target);
            kept.append(std::move(edge));
        }
        m_graph.edges = std::move(kept);
        if (!showIdle) {
            m_graph.nodes.removeIf([&](const GraphNode& node) { return !connected.contains(node.id); });
        }
    }

private:
    struct Sums {
        double server = 0;
        double client = 0;
        double p50 = 0, p50Weight = 0;
        double p95 = 0, p95Weight = 0;
        double p99 = 0, p99Weight = 0;
    };
    MeshGraph& m_graph;
    QHash<QString, qsizetype> m_nodeIndex;
    QHash<QString, qsizetype> m_edgeIndex;
    QList<Sums> m_errors;
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

    // The service each shown workload serves (its app), by workload id: a caller in the service
    // graph is its service.
    QHash<QString, QString> serviceOfWorkload;
    for (const MeshTopology& topology : topologies.namespaces) {
        const QString& ns = topology.namespaceName;
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
                acc.addNode(node);
            else
                serviceBadges.insert(service.name, node);
        }
        for (const MeshWorkload& workload : topology.workloads) {
            const QString id = workloadId(ns, workload.name);
            serviceOfWorkload.insert(id, workload.app);
            if (!showWorkloads)
                continue;
            GraphNode node;
            node.id = id;
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
            acc.addNode(node);
        }
    }

    // The node a sample's caller is in this kind of graph. Callers in a namespace not shown, or
    // workloads the topology does not know, get an outside node of their own, as in Kiali.
    auto sourceNode = [&](const EdgeSample& sample) {
        const QString workload = workloadId(sample.sourceNamespace, sample.sourceWorkload);
        const QString id = showWorkloads ? workload : serviceId(sample.sourceNamespace, serviceOfWorkload.value(workload));
        if (acc.hasNode(id))
            return id;
        const QString outside = externalId(sample.sourceNamespace, sample.sourceWorkload);
        if (!acc.hasNode(outside)) {
            GraphNode node;
            node.id = outside;
            node.kind = GraphNodeKind::External;
            const bool unknown = outside == u"ext:unknown";
            node.name = unknown ? QStringLiteral("unknown") : sample.sourceWorkload;
            node.namespaceName = unknown ? QString() : sample.sourceNamespace;
            acc.addNode(node);
        }
        return outside;
    };

    for (const EdgeSample& sample : telemetry.samples) {
        if (sample.requestsPerSecond < 0 || (!options.showIdle && sample.requestsPerSecond == 0))
            continue;
        const QString serviceNode = serviceId(sample.destinationNamespace, sample.destinationService);
        const QString workloadNode = workloadId(sample.destinationNamespace, sample.destinationWorkload);
        switch (options.kind) {
        case GraphKind::VersionedApp:
            if (!acc.hasNode(serviceNode))
                continue; // a service that has gone since the topology was read
            acc.addTraffic(sourceNode(sample), serviceNode, sample);
            if (acc.hasNode(workloadNode))
                acc.addTraffic(serviceNode, workloadNode, sample);
            break;
        case GraphKind::Service:
            if (acc.hasNode(serviceNode))
                acc.addTraffic(sourceNode(sample), serviceNode, sample);
            break;
        case GraphKind::Workload:
            if (acc.hasNode(workloadNode))
                acc.addTraffic(sourceNode(sample), workloadNode, sample);
            break;
        }
    }
    acc.finish(options.showIdle);
    return graph;
}

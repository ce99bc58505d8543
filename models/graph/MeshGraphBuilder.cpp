// SPDX-License-Identifier: Apache-2.0
#include "MeshGraphBuilder.h"

#include "models/traffic/VirtualServiceSplit.h"

#include <QHash>

QString MeshGraphBuilder::externalId(const QString& namespaceName, const QString& workload)
{
    if (workload.isEmpty() || workload == u"unknown")
        return QStringLiteral("ext:unknown");
    return QStringLiteral("ext:") + namespaceName + u'/' + workload;
}

MeshGraph MeshGraphBuilder::build(const MeshTopology& topology, const EdgeTelemetry& telemetry)
{
    MeshGraph graph;
    QHash<QString, qsizetype> nodeIndex;
    auto addNode = [&](GraphNode node) {
        nodeIndex.insert(node.id, graph.nodes.size());
        graph.nodes.append(std::move(node));
    };

    for (const MeshService& service : topology.services) {
        GraphNode node;
        node.id = serviceId(service.name);
        node.kind = GraphNodeKind::Service;
        node.name = service.name;
        node.service = service.name;
        if (const MeshVirtualService* vs = topology.virtualServiceFor(service.name)) {
            node.hasVirtualService = true;
            const VirtualServiceSplit split = VirtualServiceSplit::read(*vs->raw, topology, service.name);
            node.hasTrafficSplit = split.activeDestinationCount() > 1;
        }
        addNode(node);
    }
    for (const MeshWorkload& workload : topology.workloads) {
        GraphNode node;
        node.id = workloadId(workload.name);
        node.kind = GraphNodeKind::Workload;
        node.name = workload.name;
        node.service = workload.app;
        node.version = workload.version;
        node.readyPods = workload.readyPods;
        node.desiredPods = workload.desiredReplicas;
        addNode(node);
    }

    QHash<QString, qsizetype> edgeIndex;
    auto addTraffic = [&](const QString& source, const QString& target, const EdgeSample& sample) {
        const QString id = source + QStringLiteral("->") + target;
        auto it = edgeIndex.constFind(id);
        if (it == edgeIndex.cend()) {
            it = edgeIndex.insert(id, graph.edges.size());
            graph.edges.append({id, source, target, 0, 0});
        }
        GraphEdge& edge = graph.edges[*it];
        const double errors = edge.errorRatio * edge.requestsPerSecond + sample.errorsPerSecond;
        edge.requestsPerSecond += sample.requestsPerSecond;
        edge.errorRatio = edge.requestsPerSecond > 0 ? errors / edge.requestsPerSecond : 0;
        graph.nodes[nodeIndex.value(target)].requestsPerSecond += sample.requestsPerSecond;
    };

    for (const EdgeSample& sample : telemetry.samples) {
        if (sample.requestsPerSecond <= 0)
            continue;
        const QString serviceNode = serviceId(sample.destinationService);
        if (!nodeIndex.contains(serviceNode))
            continue; // a service that has gone since the topology was read
        QString sourceNode = workloadId(sample.sourceWorkload);
        if (sample.sourceNamespace != topology.namespaceName || !nodeIndex.contains(sourceNode)) {
            sourceNode = externalId(sample.sourceNamespace, sample.sourceWorkload);
            if (!nodeIndex.contains(sourceNode)) {
                GraphNode node;
                node.id = sourceNode;
                node.kind = GraphNodeKind::External;
                node.name = sample.sourceWorkload.isEmpty() ? QStringLiteral("unknown") : sample.sourceWorkload;
                addNode(node);
            }
        }
        addTraffic(sourceNode, serviceNode, sample);
        const QString workloadNode = workloadId(sample.destinationWorkload);
        if (nodeIndex.contains(workloadNode))
            addTraffic(serviceNode, workloadNode, sample);
    }
    return graph;
}

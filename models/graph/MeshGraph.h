// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>
#include <QString>

// Plain data: the mesh as a graph of services, their version workloads and outside callers, with
// live numbers on the edges. Built by MeshGraphBuilder, published by MeshGraphModel.

enum class GraphNodeKind { Service, Workload, External };

struct GraphNode {
    QString id; // "svc:reviews", "wl:reviews-v2", "ext:istio-system/istio-ingressgateway"
    GraphNodeKind kind = GraphNodeKind::Service;
    QString name;
    QString service; // the service a workload serves (its app), or the service itself
    QString version;
    int readyPods = 0;
    int desiredPods = 0;
    bool hasVirtualService = false;
    bool hasTrafficSplit = false; // its VirtualService sends traffic to more than one destination
    double requestsPerSecond = 0; // arriving at this node
    QPointF position;

    bool operator==(const GraphNode&) const = default;
};

struct GraphEdge {
    QString id; // "<source id>-><target id>"
    QString source;
    QString target;
    double requestsPerSecond = 0;
    double errorRatio = 0; // 5xx share of the requests, 0..1

    bool operator==(const GraphEdge&) const = default;
};

struct MeshGraph {
    QList<GraphNode> nodes;
    QList<GraphEdge> edges;
};

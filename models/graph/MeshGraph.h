// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>
#include <QString>

// Plain data: the mesh of one or several namespaces as a graph of services, their version workloads
// and callers from outside those namespaces, with live numbers on the edges. Built by
// MeshGraphBuilder, published by MeshGraphModel.

// What the nodes are: Kiali's three graph types operators know.
enum class GraphKind {
    VersionedApp, // callers -> service -> the service's version workloads
    Service,      // services only; a workload's calls count as its service's
    Workload,     // workloads only, calling each other directly
};

enum class GraphNodeKind { Service, Workload, External };

struct GraphNode {
    // Numbers first: a refresh changes them, and the defaulted == stops at the first difference,
    // before it reaches the strings.
    double requestsPerSecond = 0;    // arriving at this node
    double serverErrorsPerSecond = 0; // 5xx among them
    double clientErrorsPerSecond = 0; // 4xx among them
    int readyPods = 0;
    int desiredPods = 0;
    QPointF position;
    GraphNodeKind kind = GraphNodeKind::Service;
    // Several namespaces are shown, so the node's box names its namespace too.
    bool namespaceShown = false;
    // Telemetry has arrived: the rates above are measured, not merely unset.
    bool rateKnown = false;
    // Badges: what the routing objects and pods say about this node.
    bool hasVirtualService = false;
    bool hasTrafficSplit = false;    // its VirtualService sends traffic to more than one destination
    bool hasHeaderRouting = false;   // a route matches on request headers (A/B by header)
    bool hasFaultInjection = false;  // a route injects delays or aborts for some requests
    bool hasCircuitBreaker = false;  // its DestinationRule limits connections or ejects outliers
    bool missingSidecar = false;     // a pod of the workload runs without istio-proxy
    // "svc:bookinfo/reviews", "wl:bookinfo/reviews-v2", "ext:istio-system/istio-ingressgateway",
    // "ext:unknown": unique across the namespaces shown together.
    QString id;
    QString name;
    QString namespaceName; // empty only for callers of unknown origin
    QString service; // the service a workload serves (its app), or the service itself
    QString version;

    bool operator==(const GraphNode&) const = default;
};

struct GraphEdge {
    // Numbers first, as in GraphNode.
    double requestsPerSecond = 0;
    double errorRatio = 0;       // 5xx share of the requests, 0..1
    double clientErrorRatio = 0; // 4xx share of the requests, 0..1
    double share = 0;            // share of the source's outgoing requests, 0..1
    // Latency quantiles in ms as the destination reports them; negative when unknown.
    double p50Ms = -1;
    double p95Ms = -1;
    double p99Ms = -1;
    QString id; // "<source id>-><target id>"
    QString source;
    QString target;

    bool operator==(const GraphEdge&) const = default;
};

struct MeshGraph {
    QList<GraphNode> nodes;
    QList<GraphEdge> edges;
};

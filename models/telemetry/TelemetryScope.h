// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

struct GraphNode;

// Whose telemetry the charts show: the traffic arriving at a service, or only the part of it that
// travels one edge of the graph (from a caller's workload, or to one of the service's workloads).
struct TelemetryScope {
    QString namespaceName;
    QString service;          // destination_service_name
    QString sourceService;    // source_canonical_service; empty: every caller
    QString sourceWorkload;   // empty: every caller
    QString sourceNamespace;  // the caller's namespace when it lives elsewhere (a gateway)
    QString destinationWorkload; // empty: every workload of the service

    // The traffic along a graph edge from `source` to `target`; an empty service when the target
    // is outside the mesh (nothing reports it as a destination).
    static TelemetryScope ofEdge(const GraphNode& source, const GraphNode& target, const QString& namespaceName);

    bool isEdge() const { return !sourceService.isEmpty() || !sourceWorkload.isEmpty() || !destinationWorkload.isEmpty(); }
    // "reviews", or "productpage-v1 → reviews" for an edge.
    QString title() const;
    bool operator==(const TelemetryScope&) const = default;
};

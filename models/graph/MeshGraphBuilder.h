// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"
#include "MeshGraph.h"

#include "models/mesh/MeshTopologies.h"

// What the operator asked the graph to show.
struct GraphOptions {
    GraphKind kind = GraphKind::VersionedApp;
    // Idle edges (no requests in the window) and nodes without traffic are hidden unless asked for.
    bool showIdle = false;

    bool operator==(const GraphOptions&) const = default;
};

// Builds the graph of one kind from the topologies of the namespaces shown (nodes, badges) and the
// telemetry (edges, numbers). Traffic between the namespaces shown joins their nodes; callers from
// elsewhere become outside nodes.
class MeshGraphBuilder {
public:
    static MeshGraph build(const MeshTopologies& topologies, const EdgeTelemetry& telemetry, const GraphOptions& options = {});
    // The graph of one namespace.
    static MeshGraph build(const MeshTopology& topology, const EdgeTelemetry& telemetry, const GraphOptions& options = {});

    static QString serviceId(const QString& namespaceName, const QString& service);
    static QString workloadId(const QString& namespaceName, const QString& workload);
    static QString externalId(const QString& namespaceName, const QString& workload);
};

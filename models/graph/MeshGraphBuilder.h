// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"
#include "MeshGraph.h"

#include "models/mesh/MeshTopology.h"

// What the operator asked the graph to show.
struct GraphOptions {
    GraphKind kind = GraphKind::VersionedApp;
    // Idle edges (no requests in the window) and nodes without traffic are hidden unless asked for.
    bool showIdle = false;

    bool operator==(const GraphOptions&) const = default;
};

// Builds the graph of one kind from the topology (nodes, badges) and the telemetry (edges, numbers).
class MeshGraphBuilder {
public:
    static MeshGraph build(const MeshTopology& topology, const EdgeTelemetry& telemetry, const GraphOptions& options = {});

    static QString serviceId(const QString& service) { return QStringLiteral("svc:") + service; }
    static QString workloadId(const QString& workload) { return QStringLiteral("wl:") + workload; }
    static QString externalId(const QString& namespaceName, const QString& workload);
};

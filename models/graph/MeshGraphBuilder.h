// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"
#include "MeshGraph.h"

#include "models/mesh/MeshTopology.h"

// Builds the versioned-app graph: callers -> service -> the service's version workloads.
// Every service and workload of the topology is a node; edges exist where traffic flows.
class MeshGraphBuilder {
public:
    static MeshGraph build(const MeshTopology& topology, const EdgeTelemetry& telemetry);

    static QString serviceId(const QString& service) { return QStringLiteral("svc:") + service; }
    static QString workloadId(const QString& workload) { return QStringLiteral("wl:") + workload; }
    static QString externalId(const QString& namespaceName, const QString& workload);
};

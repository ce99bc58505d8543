// SPDX-License-Identifier: Apache-2.0
#include "TelemetryScope.h"

#include "models/graph/MeshGraph.h"

TelemetryScope TelemetryScope::ofEdge(const GraphNode& source, const GraphNode& target, const QString& namespaceName)
{
    TelemetryScope scope{namespaceName, {}, {}, {}, {}, {}};
    switch (target.kind) {
    case GraphNodeKind::Service:
        scope.service = target.name;
        break;
    case GraphNodeKind::Workload:
        scope.service = target.service;
        scope.destinationWorkload = target.name;
        break;
    case GraphNodeKind::External:
        return scope;
    }
    switch (source.kind) {
    case GraphNodeKind::Service:
        // In the versioned-app graph a service's edge to its own workload carries every caller.
        if (source.name != scope.service)
            scope.sourceService = source.name;
        break;
    case GraphNodeKind::Workload:
        scope.sourceWorkload = source.name;
        break;
    case GraphNodeKind::External: {
        // "ext:istio-system/istio-ingressgateway"
        const QString qualified = source.id.mid(source.id.indexOf(u':') + 1);
        const qsizetype slash = qualified.indexOf(u'/');
        scope.sourceNamespace = slash < 0 ? QString() : qualified.left(slash);
        scope.sourceWorkload = qualified.mid(slash + 1);
        break;
    }
    }
    return scope;
}

QString TelemetryScope::title() const
{
    if (!isEdge())
        return service;
    const QString from = sourceWorkload.isEmpty() ? QStringLiteral("*") : sourceWorkload;
    const QString to = destinationWorkload.isEmpty() ? service : destinationWorkload;
    return from + QStringLiteral(" → ") + to;
}


// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshGraph.h"

#include "models/mesh/MeshTopologies.h"

#include <QByteArray>
#include <QString>

// The graph as a file for other tools: JSON with every node (and its namespace) and edge and their
// numbers, the namespaces asked for and what could not be read of them (for scripts and tests), or
// Graphviz DOT with a cluster per namespace (for `dot -Tsvg`).
class GraphDocument {
public:
    static QByteArray toJson(const MeshGraph& graph, const QStringList& namespaces, GraphKind kind,
                             const QList<HiddenPart>& hidden = {});
    static QByteArray toDot(const MeshGraph& graph);
};

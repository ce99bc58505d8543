// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshGraph.h"

#include <QByteArray>
#include <QString>

// The graph as a file for other tools: JSON with every node and edge and their numbers (for
// scripts and tests), or Graphviz DOT (for `dot -Tsvg`).
class GraphDocument {
public:
    static QByteArray toJson(const MeshGraph& graph, const QString& namespaceName, GraphKind kind);
    static QByteArray toDot(const MeshGraph& graph);
};

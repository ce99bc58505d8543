// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>

// Places nodes in layers from left to right by call depth (longest path from the callers), and
// orders each layer by the barycentre of its neighbours to keep edge crossings few. Nodes are
// indices 0..n-1, so the work is array lookups: 5,000 services lay out in milliseconds.
class LayeredLayout {
public:
    struct Link {
        int source;
        int target;
    };

    static constexpr double LayerSpacing = 210;
    static constexpr double RowSpacing = 80;

    // A fresh layout of every node. Ties keep index order, so callers pass nodes in a stable order
    // (sorted by id) to get the same picture for the same graph.
    static QList<QPointF> compute(int nodeCount, const QList<Link>& links);

    // Gives a position to each node whose `placed` flag is false, one layer right of its callers and
    // near its neighbours' rows, in a free slot; nodes already placed never move, so a graph that
    // grows keeps the picture the operator has learnt.
    static void placeNew(QList<QPointF>& positions, const QList<bool>& placed, const QList<Link>& links);
};

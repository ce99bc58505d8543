// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>

// Places nodes in layers from left to right by call depth (longest path from the callers), and
// orders each layer by the barycentre of its neighbours to keep edge crossings few. A layered
// picture far taller than the view (a mesh that fans out: 2,000 services are 11 layers of up to
// 600 nodes) wraps its tall layers into several side-by-side columns, row by row in the layer's
// order, so fit-to-window shows a picture about as wide as the view rather than a thin column.
// Nodes are indices 0..n-1, so the work is array lookups: 5,000 services lay out in milliseconds.
class LayeredLayout {
public:
    struct Link {
        int source;
        int target;
    };

    static constexpr double LayerSpacing = 210;
    static constexpr double RowSpacing = 80;
    // Width over height of the picture wrapping aims at: the graph pane of a desktop window or a
    // projector. Layouts within a factor of two of it are not wrapped.
    static constexpr double TargetAspectRatio = 1.6;

    // A fresh layout of every node. Ties keep index order, so callers pass nodes in a stable order
    // (sorted by id) to get the same picture for the same graph.
    static QList<QPointF> compute(int nodeCount, const QList<Link>& links,
                                  double aspectRatio = TargetAspectRatio);

    // Gives a position to each node whose `placed` flag is false, one layer right of its callers and
    // near its neighbours' rows, in a free slot; nodes already placed never move, so a graph that
    // grows keeps the picture the operator has learnt.
    static void placeNew(QList<QPointF>& positions, const QList<bool>& placed, const QList<Link>& links);
};

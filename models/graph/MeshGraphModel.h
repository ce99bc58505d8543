// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "KeyedListModel.h"
#include "LayeredLayout.h"
#include "MeshGraph.h"

#include <QFutureWatcher>
#include <QObject>

#include <optional>

class GraphNodeModel : public KeyedListModel<GraphNode> {
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1, KindRole, ServiceRole, VersionRole, PositionRole, RateRole };
    using KeyedListModel::KeyedListModel;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
};

class GraphEdgeModel : public KeyedListModel<GraphEdge> {
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1, SourceRole, TargetRole, RateRole, ErrorRatioRole, ShareRole };
    using KeyedListModel::KeyedListModel;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
};

// The mesh graph for views: nodes and edges as two list models, updated incrementally.
//
// Positions are stable: the first graph is laid out whole (on a worker thread when it is large),
// after that a new node is placed next to its neighbours and nothing else moves. A node that goes
// away and comes back gets its old place. Only resetLayout() starts afresh, and a graph that grows
// out of the view's shape (see outgrowsTheView()).
class MeshGraphModel : public QObject {
    Q_OBJECT
public:
    static constexpr int DefaultBackgroundLayoutThreshold = 400;

    explicit MeshGraphModel(QObject* parent = nullptr);

    GraphNodeModel* nodes() { return &m_nodes; }
    GraphEdgeModel* edges() { return &m_edges; }
    const GraphNodeModel* nodes() const { return &m_nodes; }
    const GraphEdgeModel* edges() const { return &m_edges; }

    void setGraph(MeshGraph graph);
    // The graph as last published, positions included.
    MeshGraph graph() const;
    // Forgets every position; the next setGraph() lays out afresh (a new graph kind, or on request).
    void resetLayout();
    // Graphs of at least this many nodes are laid out off the GUI thread; until the layout is
    // done, setGraph() keeps only the latest graph and publishes it when positions are ready.
    void setBackgroundLayoutThreshold(int nodeCount) { m_backgroundThreshold = nodeCount; }
    bool isLayoutPending() const { return m_layoutRunning; }
    // Width over height of the view the graph is shown in: a full layout wraps a large graph's
    // layers to fill that shape. Positions already given do not move when it changes.
    void setLayoutAspectRatio(double aspectRatio) { m_aspectRatio = aspectRatio; }
    // Numbers on every edge have arrived at least once.
    bool hasTraffic() const;

Q_SIGNALS:
    // Nodes got positions: a full layout finished or new nodes were placed.
    void layoutChanged();

private:
    void publish(MeshGraph graph, bool laidOut);
    // Placing the new nodes one by one beside the picture would make it far taller than the view,
    // or (in a large graph) draw calls right to left, and most of them are in namespaces laid out
    // already: a large mesh's first numbers came in part (series younger than the rate window,
    // or edges without a request yet) and the rest arrives over the next refreshes. The graph is
    // laid out afresh then, to the view's shape. A namespace added to those shown goes beside them.
    bool outgrowsTheView(const MeshGraph& graph) const;
    // Positions for the graph's nodes in order: the known ones, and places for the new ones.
    QList<QPointF> withNewNodesPlaced(const MeshGraph& graph) const;
    bool placeNewNodes(const MeshGraph& graph);
    void startLayout(const MeshGraph& graph);
    void onLayoutDone();

    GraphNodeModel m_nodes;
    GraphEdgeModel m_edges;
    QHash<QString, QPointF> m_positions;
    // Every link ever seen, by edge id: a full layout keeps room for edges that are idle right now.
    QHash<QString, std::pair<QString, QString>> m_layoutLinks;
    std::optional<MeshGraph> m_pending;
    bool m_layoutRunning = false;
    quint64 m_layoutGeneration = 0; // a reset while a layout runs makes its result stale
    quint64 m_runningLayoutGeneration = 0;
    QFutureWatcher<QHash<QString, QPointF>> m_layoutWatcher;
    int m_backgroundThreshold = DefaultBackgroundLayoutThreshold;
    double m_aspectRatio = LayeredLayout::TargetAspectRatio;
};

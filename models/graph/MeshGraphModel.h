// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "KeyedListModel.h"
#include "MeshGraph.h"

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
// away and comes back gets its old place. Only resetLayout() starts afresh.
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
    // Numbers on every edge have arrived at least once.
    bool hasTraffic() const;

Q_SIGNALS:
    // Nodes got positions: a full layout finished or new nodes were placed.
    void layoutChanged();

private:
    void publish(MeshGraph graph, bool laidOut);
    bool placeNewNodes(const MeshGraph& graph);
    void startLayout(const MeshGraph& graph);

    GraphNodeModel m_nodes;
    GraphEdgeModel m_edges;
    QHash<QString, QPointF> m_positions;
    // Every link ever seen, by edge id: a full layout keeps room for edges that are idle right now.
    QHash<QString, std::pair<QString, QString>> m_layoutLinks;
    std::optional<MeshGraph> m_pending;
    bool m_layoutRunning = false;
    quint64 m_layoutGeneration = 0; // a reset while a layout runs makes its result stale
    int m_backgroundThreshold = DefaultBackgroundLayoutThreshold;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "KeyedListModel.h"
#include "MeshGraph.h"

#include <QObject>
#include <QSet>

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
    enum Role { IdRole = Qt::UserRole + 1, SourceRole, TargetRole, RateRole, ErrorRatioRole };
    using KeyedListModel::KeyedListModel;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
};

// The mesh graph for views: nodes and edges as two list models, updated incrementally. Node
// positions come from LayeredLayout and are recomputed only when the graph's structure changes, so
// a refresh of the numbers never moves anything.
class MeshGraphModel : public QObject {
    Q_OBJECT
public:
    explicit MeshGraphModel(QObject* parent = nullptr);

    GraphNodeModel* nodes() { return &m_nodes; }
    GraphEdgeModel* edges() { return &m_edges; }
    const GraphNodeModel* nodes() const { return &m_nodes; }
    const GraphEdgeModel* edges() const { return &m_edges; }

    void setGraph(MeshGraph graph);
    // Numbers on every edge have arrived at least once.
    bool hasTraffic() const;

Q_SIGNALS:
    void layoutChanged();

private:
    GraphNodeModel m_nodes;
    GraphEdgeModel m_edges;
    QSet<QString> m_layoutNodes;
    QSet<QString> m_layoutLinks; // every edge ever seen: an edge going idle must not move nodes
    QHash<QString, QPointF> m_positions;
};

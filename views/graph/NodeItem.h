// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/MeshGraph.h"

#include <QGraphicsItem>

// One node of the mesh graph: a service, a version workload, or an outside caller. It draws a
// GraphNode; the model owns the data and calls setNode() when it changes.
class NodeItem : public QGraphicsItem {
public:
    static constexpr double Width = 150;
    static constexpr double Height = 44;

    explicit NodeItem(const GraphNode& node);

    const GraphNode& node() const { return m_node; }
    void setNode(const GraphNode& node);

    QPointF inPort() const { return mapToScene(QPointF(0, Height / 2)); }
    QPointF outPort() const { return mapToScene(QPointF(Width, Height / 2)); }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString caption() const;

    GraphNode m_node;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/MeshGraph.h"

#include <QGraphicsItem>
#include <QPainterPath>

class NodeItem;

// A traffic edge: a curve from caller to callee, as thick as its rate is high, coloured by health
// with Kiali's default thresholds, labelled with requests per second.
class EdgeItem : public QGraphicsItem {
public:
    EdgeItem(const GraphEdge& edge, NodeItem* source, NodeItem* target);

    const GraphEdge& edge() const { return m_edge; }
    void setEdge(const GraphEdge& edge);
    // Recomputes the curve after a node moved.
    void adjust();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    static QColor healthColor(double errorRatio);

private:
    GraphEdge m_edge;
    NodeItem* m_source;
    NodeItem* m_target;
    QPainterPath m_path;
    QPointF m_labelAt;
    QPointF m_end;
};

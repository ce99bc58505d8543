// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "GraphStyle.h"

#include "models/graph/MeshGraph.h"

#include <QColor>
#include <QGraphicsItem>
#include <QLineF>
#include <QPainterPath>
#include <QStaticText>

#include <array>
#include <optional>
#include <utility>

class NodeItem;

// A traffic edge: a curve from caller to callee, as thick as its rate is high, coloured by health,
// labelled with the style's number, with dots flowing along it while the view animates.
class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    EdgeItem(const GraphEdge& edge, NodeItem* source, NodeItem* target, const GraphStyle* style);
    ~EdgeItem() override;

    const GraphEdge& edge() const { return m_edge; }
    // Takes the new numbers without scheduling a repaint: after a refresh the view repaints once,
    // which is far cheaper than thousands of per-item updates.
    void setEdge(const GraphEdge& edge)
    {
        m_edge = edge;
        m_labelDirty = true;
    }
    QString toolTipText() const;
    // The health colour of its error shares, and the straight line from caller to callee: what the
    // edge is when zoomed out too far for curves.
    QColor color() const;
    QLineF chord() const { return {m_from, m_to}; }
    // Recomputes the curve after a node moved.
    void adjust();
    // The caller or callee is going away: let go of both ends; the view deletes the edge next.
    void forget(NodeItem* node);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    // The point a fraction t (0..1) along the curve; the label sits at 0.5.
    QPointF pointAt(double t) const;

private:
    void paintDots(QPainter* painter) const;
    // The curve as a polyline of SpanSteps pieces, and the first and last of its points between
    // which it passes through `area`; none if it does not.
    static constexpr int SpanSteps = 32;
    using Polyline = std::array<QPointF, SpanSteps + 1>;
    std::optional<std::pair<int, int>> visibleSpan(const QRectF& area) const;
    // Lays out the label for the style's current mode and font, if either or the numbers changed.
    void layOutLabel();

    GraphEdge m_edge;
    NodeItem* m_source;
    NodeItem* m_target;
    const GraphStyle* m_style;
    // The curve as its cubic's control points: evaluating these is cheaper than a QPainterPath.
    QPointF m_from, m_c1, m_c2, m_to;
    QRectF m_bounds;
    Polyline m_points; // the curve as a polyline, computed once per move, not per paint
    mutable QPainterPath m_shape; // for hit tests, made on the first one after a move
    // The label as last laid out, and what it was laid out for.
    QStaticText m_label;
    bool m_labelDirty = true;
    EdgeLabel m_labelMode = EdgeLabel::None;
    int m_labelFontGeneration = -1;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "GraphStyle.h"

#include "models/graph/MeshGraph.h"
#include "models/graph/MeshGraphModel.h"

#include <QColor>
#include <QGraphicsItem>
#include <QLineF>
#include <QPainterPath>
#include <QStaticText>
#include <QVarLengthArray>

#include <array>
#include <optional>
#include <utility>

class NodeItem;

// A traffic edge: a curve from caller to callee, as thick as its rate is high, coloured by health,
// labelled with the style's number, with dots flowing along it while the view animates. It draws
// its row of the model, read where it is kept: a refresh of the numbers touches no edge item, the
// view repaints once.
class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    EdgeItem(const GraphEdgeModel* rows, int row, NodeItem* source, NodeItem* target, const GraphStyle* style);
    ~EdgeItem() override;

    const GraphEdge& edge() const { return m_rows->row(m_row); }
    // Rows were inserted or removed before this one.
    void setRow(int row) { m_row = row; }
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

    // The curve as a polyline of SpanSteps pieces, computed once per move, not per paint.
    static constexpr int SpanSteps = 32;
    using Polyline = std::array<QPointF, SpanSteps + 1>;
    const Polyline& polyline() const { return m_points; }
    // Both ends are outside `shown` (what the viewport shows) and the edge is not selected: it
    // only passes through, context rather than something to read, and is drawn as a hairline.
    bool passesThrough(const QRectF& shown) const;

private:
    void paintDots(QPainter* painter) const;
    // The first and last of the polyline's points between which the curve passes through `area`;
    // none if it does not.
    std::optional<std::pair<int, int>> visibleSpan(const QRectF& area) const;
    // The span's part of the curve as straight pieces in device pixels (through `toDevice`), for
    // a pen `width` device pixels wide with square caps. MaxPieces fit on the stack.
    static constexpr int MaxPieces = 256;
    void piecesOf(std::pair<int, int> span, const QTransform& toDevice, double width, QVarLengthArray<QLineF, MaxPieces>& pieces) const;
    // Lays out the label for the style's current mode and font, if either or the numbers changed.
    void layOutLabel();

    const GraphEdgeModel* m_rows;
    int m_row;
    NodeItem* m_source;
    NodeItem* m_target;
    const GraphStyle* m_style;
    // The curve as its cubic's control points: evaluating these is cheaper than a QPainterPath.
    QPointF m_from, m_c1, m_c2, m_to;
    QRectF m_bounds;
    Polyline m_points;
    mutable QPainterPath m_shape; // for hit tests, made on the first one after a move
    // The label as last laid out (its text says what it was laid out for), and in which fonts.
    QStaticText m_label;
    int m_labelFontGeneration = -1;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/HealthThresholds.h"
#include "models/graph/MeshGraph.h"

#include <QColor>
#include <QGraphicsItem>
#include <QList>
#include <QStaticText>

class EdgeItem;
struct GraphStyle;

// One node of the mesh graph: a service, a version workload, or an outside caller. It draws a
// GraphNode; the model owns the data and the view calls setNode() when it changes. It knows its
// edges, so that moving or removing it touches only them.
class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };
    static constexpr double Width = 150;
    static constexpr double Height = 44;

    NodeItem(const GraphNode& node, const GraphStyle* style);

    const GraphNode& node() const { return m_node; }
    // Takes the new data without scheduling a repaint (as EdgeItem::setEdge): a refresh changes
    // thousands of nodes, and the view repaints once. Moves are applied, with the node's edges.
    void setNode(const GraphNode& node);
    QString toolTipText() const;
    // The border colour: selection, else health, else the kind's or version's accent. Zoomed out,
    // the node is a block of this colour.
    QColor outlineColor() const;

    QPointF inPort() const { return pos() + QPointF(0, Height / 2); }
    QPointF outPort() const { return pos() + QPointF(Width, Height / 2); }

    void attach(EdgeItem* edge) { m_edges.append(edge); }
    void detach(EdgeItem* edge) { m_edges.removeOne(edge); }
    const QList<EdgeItem*>& edges() const { return m_edges; }

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString caption() const;
    Health health(const GraphNode& node) const;
    static QColor accentOf(const GraphNode& node);
    static qint64 drawnRate(const GraphNode& node); // the rate as the node writes it
    static bool sameLook(const GraphNode& a, const GraphNode& b);
    void paintBadges(QPainter* painter) const;
    // Lays out the node's texts again: after its text or the style's fonts changed.
    void layOutTexts();

    GraphNode m_node;
    const GraphStyle* m_style;
    QColor m_accent; // computed once per change: the version palette is too slow for every paint
    QList<EdgeItem*> m_edges;
    // Text is the costly part of painting a node: laid out once per change, not per paint, and
    // drawn with QStaticText, which the raster engine blits as glyphs while the scale stays the same.
    struct Badge {
        QRectF box;
        QStaticText text;
        bool alarm;
    };
    QStaticText m_title;
    QStaticText m_subtitle;
    QList<Badge> m_badges;
    bool m_textsDirty = true;
    int m_textsFontGeneration = -1;
};

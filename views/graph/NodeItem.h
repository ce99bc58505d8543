// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/HealthThresholds.h"
#include "models/graph/MeshGraph.h"
#include "models/graph/MeshGraphModel.h"

#include <QColor>
#include <QGraphicsItem>
#include <QList>
#include <QStaticText>

class EdgeItem;
struct GraphStyle;

// One node of the mesh graph: a service, a version workload, or an outside caller. It draws its
// row of the model, read where it is kept rather than copied; the view tells it when the row
// changed (sync()) or moved (setRow()). It knows its edges, so that moving or removing it touches
// only them.
class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };
    static constexpr double Width = 150;
    static constexpr double Height = 44;

    NodeItem(const GraphNodeModel* rows, int row, const GraphStyle* style);

    const GraphNode& node() const { return m_rows->row(m_row); }
    // Rows were inserted or removed before this one.
    void setRow(int row) { m_row = row; }
    // The row changed: a move is applied at once, with the node's edges; texts are laid out again
    // when next painted, if what they say changed. No repaint is scheduled: a refresh changes
    // thousands of nodes, and the view repaints once.
    void sync();
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
    // Lays out the node's texts again if what they say or the style's fonts changed.
    void layOutTexts();

    const GraphNodeModel* m_rows;
    int m_row;
    const GraphStyle* m_style;
    // Computed when the version changes: the version palette is too slow for every paint.
    QColor m_accent;
    QString m_accentVersion;
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
    // What the texts were laid out for: only nodes that are painted keep a copy of their row.
    GraphNode m_textsOf;
    int m_textsFontGeneration = -1;
};

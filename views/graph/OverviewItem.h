// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QImage>
#include <QLineF>
#include <QList>
#include <QRectF>

class EdgeItem;
class NodeItem;

// The whole graph as one item, for a view zoomed out too far to read anything: every edge a
// straight hairline and every node a block in its colour, batched by colour: the lines written
// into an image by a HairlineRaster, the blocks in a few drawRects() calls. Measured (bench/graph,
// 2,000 services, 25,000 items): the scene spends about 45 ms per frame just visiting items that
// draw nothing, and 200 ms with them drawing lines one by one, where this item paints the same
// picture in a few milliseconds.
class OverviewItem : public QGraphicsItem {
public:
    enum { Type = UserType + 3 };

    // Draws the nodes and edges of these lists that are visible to `layer` (the parent the view
    // hides while this item shows).
    OverviewItem(const QList<NodeItem*>* nodes, const QList<EdgeItem*>* edges, const QGraphicsItem* layer);

    // Where the graph is: the view's scene rect, set on every layout.
    void setBounds(const QRectF& bounds);
    // Positions, numbers, colours, focus or selection changed: the batches are rebuilt at the next paint.
    void invalidate();

    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    struct Batch {
        QColor color;
        QList<QLineF> lines;
        QList<QRectF> blocks;
    };
    void rebuild();
    Batch& batchOf(const QColor& color);

    const QList<NodeItem*>* m_nodes;
    const QList<EdgeItem*>* m_edges;
    const QGraphicsItem* m_layer;
    QList<Batch> m_batches; // a handful: health colours, version colours, the selection colour
    QRectF m_bounds;
    bool m_dirty = true;
    // What one paint draws the lines into and hands to the painter, kept to reuse their memory.
    QImage m_lines;
    QList<QRectF> m_visibleBlocks;
};

// SPDX-License-Identifier: Apache-2.0
#include "OverviewItem.h"

#include "EdgeItem.h"
#include "NodeItem.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

OverviewItem::OverviewItem(const QList<NodeItem*>* nodes, const QList<EdgeItem*>* edges, const QGraphicsItem* layer)
    : m_nodes(nodes)
    , m_edges(edges)
    , m_layer(layer)
{
    // Under the nodes' z, so that the view's own items would cover it if both were ever shown.
    setZValue(-1);
    // Panning at one scale scrolls the cached picture and paints only the strip that comes into view.
    setCacheMode(DeviceCoordinateCache);
    // For the exposed rect: zoomed in, most of the graph is outside the part being painted.
    setFlag(ItemUsesExtendedStyleOption);
}

void OverviewItem::setBounds(const QRectF& bounds)
{
    prepareGeometryChange();
    m_bounds = bounds;
}

void OverviewItem::invalidate()
{
    m_dirty = true;
    update();
}

OverviewItem::Batch& OverviewItem::batchOf(const QColor& color)
{
    for (Batch& batch : m_batches) {
        if (batch.color == color)
            return batch;
    }
    m_batches.append(Batch{color, {}, {}});
    return m_batches.last();
}

void OverviewItem::rebuild()
{
    // Keep the lists' capacity: a refresh of the numbers refills them with as many entries.
    for (Batch& batch : m_batches) {
        batch.lines.clear();
        batch.blocks.clear();
    }
    for (const EdgeItem* edge : *m_edges) {
        if (edge && edge->isVisibleTo(m_layer))
            batchOf(edge->color()).lines.append(edge->chord());
    }
    for (const NodeItem* node : *m_nodes) {
        if (!node->isVisibleTo(m_layer))
            continue;
        batchOf(node->outlineColor()).blocks.append(QRectF(node->pos(), QSizeF(NodeItem::Width, NodeItem::Height)));
    }
    m_batches.removeIf([](const Batch& batch) { return batch.lines.isEmpty() && batch.blocks.isEmpty(); });
    m_dirty = false;
}

void OverviewItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    if (m_dirty)
        rebuild();
    // Only what crosses the exposed part is handed to the raster engine: testing thousands of
    // rectangles costs far less than clipping thousands of lines (bench/graph, zoom frames).
    const QRectF exposed = option->exposedRect.isEmpty() ? m_bounds : option->exposedRect;
    // Hairlines without smoothing: what the raster engine draws fastest, and at this size smoothing
    // would only blur lines a pixel wide.
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setBrush(Qt::NoBrush);
    for (const Batch& batch : std::as_const(m_batches)) {
        m_visibleLines.clear();
        for (const QLineF& line : batch.lines) {
            if (exposed.intersects(QRectF(line.p1(), line.p2()).normalized().adjusted(-1, -1, 1, 1)))
                m_visibleLines.append(line);
        }
        painter->setPen(QPen(batch.color, 0));
        painter->drawLines(m_visibleLines.constData(), int(m_visibleLines.size()));
    }
    painter->setPen(Qt::NoPen);
    for (const Batch& batch : std::as_const(m_batches)) {
        m_visibleBlocks.clear();
        for (const QRectF& block : batch.blocks) {
            if (exposed.intersects(block))
                m_visibleBlocks.append(block);
        }
        painter->setBrush(batch.color);
        painter->drawRects(m_visibleBlocks.constData(), int(m_visibleBlocks.size()));
    }
}

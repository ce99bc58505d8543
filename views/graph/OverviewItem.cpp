// SPDX-License-Identifier: Apache-2.0
#include "OverviewItem.h"

#include "EdgeItem.h"
#include "HairlineRaster.h"
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
    // No item cache: the view keeps its own picture of the viewport, scrolls it while panning and
    // has only the strip that came into view painted. For the exposed rect: zoomed in, most of
    // the graph is outside the part being painted.
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

QVariant OverviewItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    // Hidden while the view is zoomed in: a viewport's worth of pixels it does not need until then.
    if (change == ItemVisibleHasChanged && !value.toBool())
        m_lines = QImage();
    return QGraphicsItem::itemChange(change, value);
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
    const QRectF exposed = (option->exposedRect.isEmpty() ? m_bounds : option->exposedRect) & m_bounds;
    // The lines go into an image of the exposed pixels, written directly (HairlineRaster), which
    // is then blended over the background in one call.
    const QTransform world = painter->worldTransform();
    const QTransform device = painter->deviceTransform();
    const QRect pixels = device.mapRect(exposed).toAlignedRect();
    if (pixels.isEmpty())
        return;
    if (m_lines.size() != pixels.size())
        m_lines = QImage(pixels.size(), QImage::Format_ARGB32_Premultiplied);
    m_lines.fill(Qt::transparent);
    HairlineRaster raster(&m_lines, device * QTransform::fromTranslate(-pixels.left(), -pixels.top()));
    for (const Batch& batch : std::as_const(m_batches))
        raster.drawLines(batch.lines, batch.color);
    // Drawn at its device pixels: the painter maps logical coordinates by the device's pixel ratio.
    const qreal ratio = device.m11() / world.m11();
    m_lines.setDevicePixelRatio(ratio);
    painter->setWorldTransform(QTransform());
    painter->drawImage(QPointF(pixels.topLeft()) / ratio, m_lines);
    painter->setWorldTransform(world);

    // Only the blocks that cross the exposed part are handed to the raster engine: testing
    // thousands of rectangles costs far less than having it clip them.
    painter->setRenderHint(QPainter::Antialiasing, false);
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

// SPDX-License-Identifier: Apache-2.0
#include "EdgeItem.h"

#include "NodeItem.h"

#include <QPainter>
#include <QPainterPathStroker>

#include <cmath>

EdgeItem::EdgeItem(const GraphEdge& edge, NodeItem* source, NodeItem* target)
    : m_edge(edge)
    , m_source(source)
    , m_target(target)
{
    setZValue(0);
    setAcceptHoverEvents(true);
    adjust();
    setEdge(edge);
}

void EdgeItem::setEdge(const GraphEdge& edge)
{
    m_edge = edge;
    setToolTip(QObject::tr("%1 → %2\n%3 requests/s, %4 % errors")
                   .arg(m_source->node().name, m_target->node().name)
                   .arg(edge.requestsPerSecond, 0, 'f', 2)
                   .arg(edge.errorRatio * 100, 0, 'f', 1));
    update();
}

QColor EdgeItem::healthColor(double errorRatio)
{
    // Kiali's defaults for 5xx: any error is degraded, 10 % or more is failing.
    if (errorRatio >= 0.10)
        return QColor(0xC9, 0x19, 0x0B);
    if (errorRatio > 0)
        return QColor(0xEC, 0x7A, 0x08);
    return QColor(0x3E, 0x8E, 0x41);
}

void EdgeItem::adjust()
{
    prepareGeometryChange();
    const QPointF from = m_source->outPort();
    const QPointF to = m_target->inPort() - QPointF(6, 0);
    const double bend = std::max(40.0, std::abs(to.x() - from.x()) / 2);
    m_path = QPainterPath(from);
    m_path.cubicTo(from + QPointF(bend, 0), to - QPointF(bend, 0), to);
    m_labelAt = m_path.pointAtPercent(0.5);
    m_end = to;
}

QRectF EdgeItem::boundingRect() const
{
    return m_path.boundingRect().adjusted(-40, -20, 40, 20);
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    return stroker.createStroke(m_path);
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor color = healthColor(m_edge.errorRatio);
    const double width = 1.2 + std::min(5.0, std::log2(1.0 + m_edge.requestsPerSecond));
    painter->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);

    QPolygonF arrow;
    arrow << m_end + QPointF(6, 0) << m_end + QPointF(-4, -5) << m_end + QPointF(-4, 5);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(arrow);

    const QString label = QObject::tr("%1 rps").arg(m_edge.requestsPerSecond, 0, 'f', 1);
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->setFont(font);
    const QRectF text = QFontMetricsF(font).boundingRect(label).adjusted(-4, -1, 4, 1);
    const QRectF box(m_labelAt - QPointF(text.width() / 2, text.height() / 2), text.size());
    painter->setBrush(QColor(255, 255, 255, 230));
    painter->setPen(QPen(color, 1));
    painter->drawRoundedRect(box, 3, 3);
    painter->setPen(QColor(0x20, 0x20, 0x20));
    painter->drawText(box, Qt::AlignCenter, label);
}

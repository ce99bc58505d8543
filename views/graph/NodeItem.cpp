// SPDX-License-Identifier: Apache-2.0
#include "NodeItem.h"

#include "views/style/VersionPalette.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

NodeItem::NodeItem(const GraphNode& node)
    : m_node(node)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(1);
    setNode(node);
}

void NodeItem::setNode(const GraphNode& node)
{
    m_node = node;
    setPos(node.position);
    setToolTip(QObject::tr("%1\n%2 requests/s arriving").arg(caption()).arg(node.requestsPerSecond, 0, 'f', 1));
    update();
}

QString NodeItem::caption() const
{
    switch (m_node.kind) {
    case GraphNodeKind::Service:
        return QObject::tr("service %1").arg(m_node.name);
    case GraphNodeKind::Workload:
        return QObject::tr("workload %1 (%2 of %3 pods ready)")
            .arg(m_node.name)
            .arg(m_node.readyPods)
            .arg(m_node.desiredPods);
    case GraphNodeKind::External:
        return QObject::tr("caller %1 (outside the namespace)").arg(m_node.name);
    }
    return m_node.name;
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(-2, -2, Width + 4, Height + 4);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF box(0, 0, Width, Height);
    const bool selected = option->state & QStyle::State_Selected;

    QColor fill;
    QColor accent;
    switch (m_node.kind) {
    case GraphNodeKind::Service:
        fill = QColor(0xE8, 0xF1, 0xFB);
        accent = QColor(0x1F, 0x5F, 0xA8);
        break;
    case GraphNodeKind::Workload:
        fill = QColor(0xFA, 0xFA, 0xFA);
        accent = VersionPalette::colorFor(m_node.version);
        break;
    case GraphNodeKind::External:
        fill = QColor(0xF3, 0xF3, 0xF3);
        accent = QColor(0x70, 0x70, 0x70);
        break;
    }

    QPen border(selected ? QColor(0xD0, 0x3A, 0x2B) : accent, selected ? 3 : 1.5);
    if (m_node.kind == GraphNodeKind::External)
        border.setStyle(Qt::DashLine);
    painter->setPen(border);
    painter->setBrush(fill);
    const double radius = m_node.kind == GraphNodeKind::Service ? Height / 2 : 6;
    painter->drawRoundedRect(box, radius, radius);

    if (m_node.kind == GraphNodeKind::Workload) {
        // A version stripe in the version's colour, so splits read at a glance.
        painter->setPen(Qt::NoPen);
        painter->setBrush(accent);
        painter->drawRoundedRect(QRectF(0, 0, 10, Height), 4, 4);
    }

    painter->setPen(QColor(0x20, 0x20, 0x20));
    QFont font = painter->font();
    font.setBold(m_node.kind == GraphNodeKind::Service);
    painter->setFont(font);
    const QRectF text = box.adjusted(m_node.kind == GraphNodeKind::Workload ? 16 : 12, 3, -8, -3);
    painter->drawText(text, Qt::AlignLeft | Qt::AlignTop, m_node.name);

    QString detail;
    if (m_node.kind == GraphNodeKind::Workload)
        detail = QObject::tr("%1 · %2/%3 pods").arg(m_node.version).arg(m_node.readyPods).arg(m_node.desiredPods);
    else if (m_node.kind == GraphNodeKind::Service)
        detail = m_node.hasTrafficSplit ? QObject::tr("split · %1 rps").arg(m_node.requestsPerSecond, 0, 'f', 1)
                                        : QObject::tr("%1 rps").arg(m_node.requestsPerSecond, 0, 'f', 1);
    else
        detail = QObject::tr("outside caller");
    font.setBold(false);
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->setFont(font);
    painter->setPen(QColor(0x55, 0x55, 0x55));
    painter->drawText(text, Qt::AlignLeft | Qt::AlignBottom, detail);
}

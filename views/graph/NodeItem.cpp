// SPDX-License-Identifier: Apache-2.0
#include "NodeItem.h"

#include "EdgeItem.h"
#include "GraphStyle.h"

#include "views/style/VersionPalette.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

NodeItem::NodeItem(const GraphNode& node, const GraphStyle* style)
    : m_style(style)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    // Nodes change only when their numbers do; their text is the costly part of a frame, so it is
    // drawn once per zoom level into a pixmap and blitted while panning and animating.
    setCacheMode(DeviceCoordinateCache);
    setZValue(1);
    setNode(node);
}

void NodeItem::setNode(const GraphNode& node)
{
    const bool first = m_accent == QColor();
    const bool moved = first || node.position != m_node.position;
    // A refresh changes numbers on thousands of nodes; only what the node shows redraws its cache.
    const bool looksDifferent = first || drawnRate(node) != drawnRate(m_node) || health(node) != health(m_node)
        || !sameLook(node, m_node);
    if (first || node.version != m_node.version || node.kind != m_node.kind)
        m_accent = accentOf(node);
    m_node = node;
    if (moved) {
        setPos(node.position);
        for (EdgeItem* edge : std::as_const(m_edges))
            edge->adjust();
    }
    if (looksDifferent)
        update();
}

QColor NodeItem::accentOf(const GraphNode& node)
{
    switch (node.kind) {
    case GraphNodeKind::Service:
        return QColor(0x1F, 0x5F, 0xA8);
    case GraphNodeKind::Workload:
        return VersionPalette::colorFor(node.version);
    case GraphNodeKind::External:
        break;
    }
    return QColor(0x70, 0x70, 0x70);
}

qint64 NodeItem::drawnRate(const GraphNode& node)
{
    return node.kind == GraphNodeKind::Service ? std::llround(node.requestsPerSecond * 10) : 0;
}

Health NodeItem::health(const GraphNode& node) const
{
    const double rate = node.requestsPerSecond;
    return m_style->thresholds.classify(rate > 0 ? node.serverErrorsPerSecond / rate : 0,
                                        rate > 0 ? node.clientErrorsPerSecond / rate : 0);
}

bool NodeItem::sameLook(const GraphNode& a, const GraphNode& b)
{
    return a.name == b.name && a.version == b.version && a.readyPods == b.readyPods && a.desiredPods == b.desiredPods
        && a.hasVirtualService == b.hasVirtualService && a.hasTrafficSplit == b.hasTrafficSplit
        && a.hasHeaderRouting == b.hasHeaderRouting && a.hasFaultInjection == b.hasFaultInjection
        && a.hasCircuitBreaker == b.hasCircuitBreaker && a.missingSidecar == b.missingSidecar;
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

QString NodeItem::toolTipText() const
{
    const double rate = m_node.requestsPerSecond;
    QString text = caption() + u'\n'
        + QObject::tr("%1 requests/s arriving, %2 % 5xx, %3 % 4xx")
              .arg(rate, 0, 'f', 2)
              .arg(rate > 0 ? 100 * m_node.serverErrorsPerSecond / rate : 0, 0, 'f', 1)
              .arg(rate > 0 ? 100 * m_node.clientErrorsPerSecond / rate : 0, 0, 'f', 1);
    const std::pair<bool, QString> badges[] = {
        {m_node.hasVirtualService, QObject::tr("VirtualService")},
        {m_node.hasTrafficSplit, QObject::tr("traffic split")},
        {m_node.hasHeaderRouting, QObject::tr("header-matched routing")},
        {m_node.hasFaultInjection, QObject::tr("fault injection active")},
        {m_node.hasCircuitBreaker, QObject::tr("circuit breaker")},
        {m_node.missingSidecar, QObject::tr("missing sidecar")},
    };
    for (const auto& [on, name] : badges) {
        if (on)
            text += u"\n• " + name;
    }
    return text;
}

QColor NodeItem::outlineColor() const
{
    if (isSelected())
        return GraphStyle::SelectionColor;
    const Health health = this->health(m_node);
    return health == Health::Healthy ? m_accent : GraphStyle::healthColor(health);
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(-2, -8, Width + 10, Height + 10);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const double detail = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF box(0, 0, Width, Height);
    const bool selected = option->state & QStyle::State_Selected;
    const double rate = m_node.requestsPerSecond;
    const Health health = this->health(m_node);
    const QColor border = outlineColor();

    if (detail < GraphStyle::ShapeDetail) {
        // Zoomed far out a node is a few pixels: a block in its colour says all that can be seen.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->fillRect(box, border);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor fill;
    switch (m_node.kind) {
    case GraphNodeKind::Service:
        fill = m_style->colors.serviceFill;
        break;
    case GraphNodeKind::Workload:
        fill = m_style->colors.workloadFill;
        break;
    case GraphNodeKind::External:
        fill = m_style->colors.externalFill;
        break;
    }
    QPen pen(border, (selected || health != Health::Healthy ? 3 : 1.5) * m_style->lineScale);
    if (m_node.kind == GraphNodeKind::External)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(fill);
    const double radius = m_node.kind == GraphNodeKind::Service ? Height / 2 : 6;
    painter->drawRoundedRect(box, radius, radius);

    if (m_node.kind == GraphNodeKind::Workload) {
        // A version stripe in the version's colour, so splits read at a glance.
        painter->setPen(Qt::NoPen);
        painter->setBrush(m_accent);
        painter->drawRoundedRect(QRectF(0, 0, 10, Height), 4, 4);
    }
    if (detail < GraphStyle::LabelDetail)
        return;

    painter->setPen(m_style->colors.text);
    painter->setFont(m_node.kind == GraphNodeKind::Service ? m_style->boldFont : m_style->font);
    const QRectF text = box.adjusted(m_node.kind == GraphNodeKind::Workload ? 16 : 12, 3, -8, -3);
    painter->drawText(text, Qt::AlignLeft | Qt::AlignTop, m_node.name);

    QString detailText;
    if (m_node.kind == GraphNodeKind::Workload)
        detailText = QObject::tr("%1 · %2/%3 pods").arg(m_node.version).arg(m_node.readyPods).arg(m_node.desiredPods);
    else if (m_node.kind == GraphNodeKind::Service)
        detailText = QObject::tr("%1 rps").arg(rate, 0, 'f', 1);
    else
        detailText = QObject::tr("outside caller");
    painter->setFont(m_style->smallFont);
    painter->setPen(m_style->colors.secondaryText);
    painter->drawText(text, Qt::AlignLeft | Qt::AlignBottom, detailText);
    paintBadges(painter);
}

void NodeItem::paintBadges(QPainter* painter) const
{
    // Small tags along the top edge, right to left, each a short word an operator can read aloud.
    const std::pair<bool, const char*> badges[] = {
        {m_node.missingSidecar, "no sidecar"}, {m_node.hasCircuitBreaker, "CB"}, {m_node.hasFaultInjection, "fault"},
        {m_node.hasHeaderRouting, "A/B"},     {m_node.hasTrafficSplit, "split"}, {m_node.hasVirtualService, "VS"},
    };
    painter->setFont(m_style->smallFont);
    const QFontMetricsF metrics(m_style->smallFont);
    double right = Width - 4;
    for (const auto& [on, tag] : badges) {
        if (!on)
            continue;
        const QString text = QObject::tr(tag);
        const double w = metrics.horizontalAdvance(text) + 8;
        const QRectF r(right - w, -7, w, metrics.height() + 1);
        const bool alarm = tag == std::string_view("fault") || tag == std::string_view("no sidecar");
        painter->setPen(Qt::NoPen);
        painter->setBrush(alarm ? QColor(0xC9, 0x19, 0x0B) : QColor(0x4A, 0x4A, 0x6A));
        painter->drawRoundedRect(r, 4, 4);
        painter->setPen(Qt::white);
        painter->drawText(r, Qt::AlignCenter, text);
        right -= w + 3;
    }
}

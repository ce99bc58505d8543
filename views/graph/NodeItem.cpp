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
    // No item cache: with its texts laid out once (QStaticText) a node paints about as fast as its
    // pixmap would be blitted, and a cache per zoom level made every zoom frame redraw every node
    // into a new pixmap before blitting it (bench/graph).
    setZValue(1);
    setNode(node);
}

void NodeItem::setNode(const GraphNode& node)
{
    const bool first = m_accent == QColor();
    const bool moved = first || node.position != m_node.position;
    // A refresh changes numbers on thousands of nodes; only a change in what they write lays their texts out again.
    const bool textChanged = first || drawnRate(node) != drawnRate(m_node) || !sameLook(node, m_node);
    if (first || node.version != m_node.version || node.kind != m_node.kind)
        m_accent = accentOf(node);
    m_node = node;
    if (moved) {
        setPos(node.position);
        for (EdgeItem* edge : std::as_const(m_edges))
            edge->adjust();
    }
    if (textChanged)
        m_textsDirty = true;
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
    return a.name == b.name && a.namespaceShown == b.namespaceShown && a.version == b.version && a.readyPods == b.readyPods && a.desiredPods == b.desiredPods
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
        // Only traffic from the namespaces shown into one that is not gives an outside node a service.
        if (!m_node.service.isEmpty())
            return QObject::tr("destination %1 in %2 (outside the namespaces shown)").arg(m_node.name, m_node.namespaceName);
        return m_node.namespaceName.isEmpty()
            ? QObject::tr("caller %1 (outside the namespaces shown)").arg(m_node.name)
            : QObject::tr("caller %1 in %2 (outside the namespaces shown)").arg(m_node.name, m_node.namespaceName);
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

    if (m_textsDirty || m_textsFontGeneration != m_style->fontGeneration)
        layOutTexts();
    const QRectF text = box.adjusted(m_node.kind == GraphNodeKind::Workload ? 16 : 12, 3, -8, -3);
    painter->setPen(m_style->colors.text);
    painter->setFont(m_node.kind == GraphNodeKind::Service ? m_style->boldFont : m_style->font);
    painter->drawStaticText(text.topLeft(), m_title);
    painter->setFont(m_style->smallFont);
    painter->setPen(m_style->colors.secondaryText);
    painter->drawStaticText(QPointF(text.left(), text.bottom() - QFontMetricsF(m_style->smallFont).height()), m_subtitle);
    paintBadges(painter);
}

void NodeItem::layOutTexts()
{
    const QFont& titleFont = m_node.kind == GraphNodeKind::Service ? m_style->boldFont : m_style->font;
    const double textWidth = Width - (m_node.kind == GraphNodeKind::Workload ? 16 : 12) - 8;
    // Cut where the box ends, as the clipped text did, but say so with an ellipsis.
    m_title.setText(QFontMetricsF(titleFont).elidedText(m_node.name, Qt::ElideRight, textWidth));
    m_title.setTextFormat(Qt::PlainText);
    m_title.prepare(QTransform(), titleFont);
    QString detailText;
    if (m_node.kind == GraphNodeKind::Workload)
        detailText = QObject::tr("%1 · %2/%3 pods").arg(m_node.version).arg(m_node.readyPods).arg(m_node.desiredPods);
    else if (m_node.kind == GraphNodeKind::Service)
        detailText = QObject::tr("%1 rps").arg(m_node.requestsPerSecond, 0, 'f', 1);
    else
        detailText = m_node.namespaceName.isEmpty() ? QObject::tr("outside caller")
                                                    : QObject::tr("outside: %1").arg(m_node.namespaceName);
    // Among several namespaces the same names repeat: the small line says whose node this is.
    if (m_node.namespaceShown)
        detailText = m_node.namespaceName + QStringLiteral(" · ") + detailText;
    m_subtitle.setText(QFontMetricsF(m_style->smallFont).elidedText(detailText, Qt::ElideRight, textWidth));
    m_subtitle.setTextFormat(Qt::PlainText);
    m_subtitle.prepare(QTransform(), m_style->smallFont);

    // Small tags along the top edge, right to left, each a short word an operator can read aloud.
    const std::pair<bool, const char*> badges[] = {
        {m_node.missingSidecar, "no sidecar"}, {m_node.hasCircuitBreaker, "CB"}, {m_node.hasFaultInjection, "fault"},
        {m_node.hasHeaderRouting, "A/B"},     {m_node.hasTrafficSplit, "split"}, {m_node.hasVirtualService, "VS"},
    };
    m_badges.clear();
    const QFontMetricsF metrics(m_style->smallFont);
    double right = Width - 4;
    for (const auto& [on, tag] : badges) {
        if (!on)
            continue;
        Badge badge{{}, QStaticText(QObject::tr(tag)), tag == std::string_view("fault") || tag == std::string_view("no sidecar")};
        badge.text.setTextFormat(Qt::PlainText);
        badge.text.prepare(QTransform(), m_style->smallFont);
        const double w = metrics.horizontalAdvance(badge.text.text()) + 8;
        badge.box = QRectF(right - w, -7, w, metrics.height() + 1);
        m_badges.append(std::move(badge));
        right -= w + 3;
    }
    m_textsDirty = false;
    m_textsFontGeneration = m_style->fontGeneration;
}

void NodeItem::paintBadges(QPainter* painter) const
{
    painter->setFont(m_style->smallFont);
    for (const Badge& badge : m_badges) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(badge.alarm ? QColor(0xC9, 0x19, 0x0B) : QColor(0x4A, 0x4A, 0x6A));
        painter->drawRoundedRect(badge.box, 4, 4);
        painter->setPen(Qt::white);
        // Centred in its box, as the box was sized around the text.
        const QSizeF size = badge.text.size();
        painter->drawStaticText(badge.box.center() - QPointF(size.width() / 2, size.height() / 2), badge.text);
    }
}

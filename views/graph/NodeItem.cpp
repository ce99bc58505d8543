// SPDX-License-Identifier: Apache-2.0
#include "NodeItem.h"

#include "EdgeItem.h"
#include "GraphStyle.h"

#include "views/style/VersionPalette.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

NodeItem::NodeItem(const GraphNodeModel* rows, int row, const GraphStyle* style)
    : m_rows(rows)
    , m_row(row)
    , m_style(style)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    // No item cache: with its texts laid out once (QStaticText) a node paints about as fast as its
    // pixmap would be blitted, and a cache per zoom level made every zoom frame redraw every node
    // into a new pixmap before blitting it (bench/graph).
    setZValue(1);
    const GraphNode& node = this->node();
    setPos(node.position);
    m_accent = accentOf(node);
    m_accentVersion = node.version;
}

void NodeItem::sync()
{
    // Only what cannot wait for a paint: where the node is and its colour, which the overview
    // reads for every node. An id's kind never changes, its version (a workload's) may.
    const GraphNode& node = this->node();
    if (node.position != pos()) {
        setPos(node.position);
        for (EdgeItem* edge : std::as_const(m_edges))
            edge->adjust();
    }
    if (node.version != m_accentVersion) {
        m_accent = accentOf(node);
        m_accentVersion = node.version;
    }
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
    if (node.kind != GraphNodeKind::Service)
        return 0;
    return node.rateKnown ? std::llround(node.requestsPerSecond * 10) : -1;
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
    const GraphNode& node = this->node();
    switch (node.kind) {
    case GraphNodeKind::Service:
        return QObject::tr("service %1").arg(node.name);
    case GraphNodeKind::Workload:
        return QObject::tr("workload %1 (%2 of %3 pods ready)")
            .arg(node.name)
            .arg(node.readyPods)
            .arg(node.desiredPods);
    case GraphNodeKind::External:
        // Only traffic from the namespaces shown into one that is not gives an outside node a service.
        if (!node.service.isEmpty())
            return QObject::tr("destination %1 in %2 (outside the namespaces shown)").arg(node.name, node.namespaceName);
        return node.namespaceName.isEmpty()
            ? QObject::tr("caller %1 (outside the namespaces shown)").arg(node.name)
            : QObject::tr("caller %1 in %2 (outside the namespaces shown)").arg(node.name, node.namespaceName);
    }
    return node.name;
}

QString NodeItem::toolTipText() const
{
    const GraphNode& node = this->node();
    const double rate = node.requestsPerSecond;
    QString text = caption() + u'\n'
        + (node.rateKnown ? QObject::tr("%1 requests/s arriving, %2 % 5xx, %3 % 4xx")
                                .arg(rate, 0, 'f', 2)
                                .arg(rate > 0 ? 100 * node.serverErrorsPerSecond / rate : 0, 0, 'f', 1)
                                .arg(rate > 0 ? 100 * node.clientErrorsPerSecond / rate : 0, 0, 'f', 1)
                          : QObject::tr("no telemetry from Prometheus yet"));
    const std::pair<bool, QString> badges[] = {
        {node.hasVirtualService, QObject::tr("VirtualService")},
        {node.hasTrafficSplit, QObject::tr("traffic split")},
        {node.hasHeaderRouting, QObject::tr("header-matched routing")},
        {node.hasFaultInjection, QObject::tr("fault injection active")},
        {node.hasCircuitBreaker, QObject::tr("circuit breaker")},
        {node.missingSidecar, QObject::tr("missing sidecar")},
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
    const Health health = this->health(node());
    return health == Health::Healthy ? m_accent : GraphStyle::healthColor(health);
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(-2, -8, Width + 10, Height + 10);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const GraphNode& node = this->node();
    const double detail = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF box(0, 0, Width, Height);
    const bool selected = option->state & QStyle::State_Selected;
    const Health health = this->health(node);
    const QColor border = outlineColor();

    if (detail < GraphStyle::ShapeDetail) {
        // Zoomed far out a node is a few pixels: a block in its colour says all that can be seen.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->fillRect(box, border);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor fill;
    switch (node.kind) {
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
    if (node.kind == GraphNodeKind::External)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(fill);
    const double radius = node.kind == GraphNodeKind::Service ? Height / 2 : 6;
    painter->drawRoundedRect(box, radius, radius);

    if (node.kind == GraphNodeKind::Workload) {
        // A version stripe in the version's colour, so splits read at a glance.
        painter->setPen(Qt::NoPen);
        painter->setBrush(m_accent);
        painter->drawRoundedRect(QRectF(0, 0, 10, Height), 4, 4);
    }
    if (detail < GraphStyle::LabelDetail)
        return;

    layOutTexts();
    const QRectF text = box.adjusted(node.kind == GraphNodeKind::Workload ? 16 : 12, 3, -8, -3);
    painter->setPen(m_style->colors.text);
    painter->setFont(node.kind == GraphNodeKind::Service ? m_style->boldFont : m_style->font);
    painter->drawStaticText(text.topLeft(), m_title);
    painter->setFont(m_style->smallFont);
    painter->setPen(m_style->colors.secondaryText);
    painter->drawStaticText(QPointF(text.left(), text.bottom() - QFontMetricsF(m_style->smallFont).height()), m_subtitle);
    paintBadges(painter);
}

void NodeItem::layOutTexts()
{
    const GraphNode& node = this->node();
    // A refresh changes numbers on thousands of nodes; only a change in what this one writes lays
    // its texts out again.
    if (m_textsFontGeneration == m_style->fontGeneration && drawnRate(node) == drawnRate(m_textsOf) && sameLook(node, m_textsOf))
        return;
    const QFont& titleFont = node.kind == GraphNodeKind::Service ? m_style->boldFont : m_style->font;
    const double textWidth = Width - (node.kind == GraphNodeKind::Workload ? 16 : 12) - 8;
    // Cut where the box ends, as the clipped text did, but say so with an ellipsis.
    m_title.setText(QFontMetricsF(titleFont).elidedText(node.name, Qt::ElideRight, textWidth));
    m_title.setTextFormat(Qt::PlainText);
    m_title.prepare(QTransform(), titleFont);
    QString detailText;
    if (node.kind == GraphNodeKind::Workload)
        detailText = QObject::tr("%1 · %2/%3 pods").arg(node.version).arg(node.readyPods).arg(node.desiredPods);
    else if (node.kind == GraphNodeKind::Service)
        detailText = node.rateKnown ? QObject::tr("%1 rps").arg(node.requestsPerSecond, 0, 'f', 1) : QObject::tr("no telemetry");
    else
        detailText = node.namespaceName.isEmpty() ? QObject::tr("outside caller")
                                                    : QObject::tr("outside: %1").arg(node.namespaceName);
    // Among several namespaces the same names repeat: the small line says whose node this is.
    if (node.namespaceShown)
        detailText = node.namespaceName + QStringLiteral(" · ") + detailText;
    m_subtitle.setText(QFontMetricsF(m_style->smallFont).elidedText(detailText, Qt::ElideRight, textWidth));
    m_subtitle.setTextFormat(Qt::PlainText);
    m_subtitle.prepare(QTransform(), m_style->smallFont);

    // Small tags along the top edge, right to left, each a short word an operator can read aloud.
    const std::pair<bool, const char*> badges[] = {
        {node.missingSidecar, "no sidecar"}, {node.hasCircuitBreaker, "CB"}, {node.hasFaultInjection, "fault"},
        {node.hasHeaderRouting, "A/B"},     {node.hasTrafficSplit, "split"}, {node.hasVirtualService, "VS"},
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
    m_textsOf = node;
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

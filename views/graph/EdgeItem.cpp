// SPDX-License-Identifier: Apache-2.0
#include "EdgeItem.h"

#include "GraphStyle.h"
#include "NodeItem.h"

#include <QPainter>
#include <QPainterPath>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace {
constexpr double LabelMargin = 40; // room for the label box around the curve's middle
} // namespace

EdgeItem::EdgeItem(const GraphEdge& edge, NodeItem* source, NodeItem* target, const GraphStyle* style)
    : m_edge(edge)
    , m_source(source)
    , m_target(target)
    , m_style(style)
{
    setZValue(0);
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    source->attach(this);
    target->attach(this);
    adjust();
}

EdgeItem::~EdgeItem()
{
    if (m_source)
        m_source->detach(this);
    if (m_target)
        m_target->detach(this);
}

void EdgeItem::forget(NodeItem* node)
{
    if (m_source == node)
        m_source = nullptr;
    if (m_target == node)
        m_target = nullptr;
    // The other end lets go too: it outlives this edge only by moments, but must not adjust it.
    if (m_source)
        m_source->detach(this);
    if (m_target)
        m_target->detach(this);
    m_source = m_target = nullptr;
}

QString EdgeItem::toolTipText() const
{
    auto ms = [](double v) { return v < 0 ? QObject::tr("n/a") : QObject::tr("%1 ms").arg(v, 0, 'f', 1); };
    return QObject::tr("%1 → %2\n%3 requests/s (%4 % of the caller's)\n%5 % 5xx, %6 % 4xx\nlatency p50 %7, p95 %8, p99 %9")
        .arg(m_source ? m_source->node().name : QString(), m_target ? m_target->node().name : QString())
        .arg(m_edge.requestsPerSecond, 0, 'f', 2)
        .arg(m_edge.share * 100, 0, 'f', 0)
        .arg(m_edge.errorRatio * 100, 0, 'f', 1)
        .arg(m_edge.clientErrorRatio * 100, 0, 'f', 1)
        .arg(ms(m_edge.p50Ms), ms(m_edge.p95Ms), ms(m_edge.p99Ms));
}

void EdgeItem::adjust()
{
    if (!m_source || !m_target)
        return;
    prepareGeometryChange();
    m_from = m_source->outPort();
    m_to = m_target->inPort() - QPointF(6, 0);
    const double bend = std::max(40.0, std::abs(m_to.x() - m_from.x()) / 2);
    m_c1 = m_from + QPointF(bend, 0);
    m_c2 = m_to - QPointF(bend, 0);
    // A cubic lies inside the hull of its control points.
    const double left = std::min({m_from.x(), m_c1.x(), m_c2.x(), m_to.x()});
    const double right = std::max({m_from.x(), m_c1.x(), m_c2.x(), m_to.x()});
    const double top = std::min(m_from.y(), m_to.y());
    const double bottom = std::max(m_from.y(), m_to.y());
    m_bounds = QRectF(QPointF(left, top), QPointF(right, bottom)).adjusted(-LabelMargin, -20, LabelMargin, 20);
}

QPointF EdgeItem::pointAt(double t) const
{
    const double u = 1 - t;
    return u * u * u * m_from + 3 * u * u * t * m_c1 + 3 * u * t * t * m_c2 + t * t * t * m_to;
}

QRectF EdgeItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath EdgeItem::shape() const
{
    QPainterPath path(m_from);
    path.cubicTo(m_c1, m_c2, m_to);
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    return stroker.createStroke(path);
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const double detail = option->levelOfDetailFromTransform(painter->worldTransform());
    const QColor color = GraphStyle::healthColor(m_style->thresholds.classify(m_edge.errorRatio, m_edge.clientErrorRatio));
    if (detail < GraphStyle::ShapeDetail) {
        // Zoomed far out: a hairline, which the raster engine draws fastest, and no arrow or label.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(QPen(color, 0));
        painter->drawLine(m_from, m_to);
        return;
    }
    // Smooth curves cost most at medium zoom, where many edges show and smoothing is hardly seen.
    painter->setRenderHint(QPainter::Antialiasing, detail >= GraphStyle::LabelDetail);
    const double width = 1.2 + std::min(5.0, std::log2(1.0 + m_edge.requestsPerSecond));
    painter->setBrush(Qt::NoBrush);
    QPainterPath path(m_from);
    path.cubicTo(m_c1, m_c2, m_to);
    if (option->state & QStyle::State_Selected) {
        // A halo in the selection colour nodes use, under the health colour, so both still read.
        painter->setPen(QPen(GraphStyle::SelectionColor, width + 6, Qt::SolidLine, Qt::RoundCap));
        painter->drawPath(path);
    }
    painter->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap));
    painter->drawPath(path);

    const QPointF arrow[] = {m_to + QPointF(6, 0), m_to + QPointF(-4, -5), m_to + QPointF(-4, 5)};
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(arrow, 3);

    if (m_style->animating)
        paintDots(painter);
    if (detail < GraphStyle::LabelDetail || m_style->edgeLabel == EdgeLabel::None)
        return;
    const QString label = m_style->edgeText(m_edge);
    painter->setFont(m_style->smallFont);
    const QRectF text = QFontMetricsF(m_style->smallFont).boundingRect(label).adjusted(-4, -1, 4, 1);
    const QPointF middle = pointAt(0.5);
    const QRectF box(middle - QPointF(text.width() / 2, text.height() / 2), text.size());
    painter->setBrush(QColor(255, 255, 255, 230));
    painter->setPen(QPen(color, 1));
    painter->drawRoundedRect(box, 3, 3);
    painter->setPen(QColor(0x20, 0x20, 0x20));
    painter->drawText(box, Qt::AlignCenter, label);
}

void EdgeItem::paintDots(QPainter* painter) const
{
    const double rate = m_edge.requestsPerSecond;
    if (rate <= 0)
        return;
    // Faster traffic flows faster, logarithmically so that 1 and 1,000 rps both read; one dot in
    // every 1/errorRatio is red, so the share of red dots is the error rate.
    const double speed = 0.15 + 0.12 * std::log2(1.0 + rate); // curve lengths per second
    constexpr int Dots = 6;
    const double errors = m_edge.errorRatio + m_edge.clientErrorRatio;
    const double travelled = m_style->phaseSeconds * speed;
    const double lap = std::floor(travelled);
    const double offset = travelled - lap;
    for (int k = 0; k < Dots; ++k) {
        const double t = std::fmod(offset + double(k) / Dots, 1.0);
        // The dot's identity: which request it stands for, counted since the start.
        const double request = (lap + (offset + double(k) / Dots >= 1 ? 1 : 0)) * Dots + k;
        const bool failed = std::fmod(request * 0.6180339887, 1.0) < errors;
        painter->setBrush(failed ? QColor(0xE0, 0x20, 0x10) : QColor(0x20, 0x60, 0xD0));
        painter->drawEllipse(pointAt(t), 3.5, 3.5);
    }
}

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

QPointF lerp(const QPointF& a, const QPointF& b, double t)
{
    return a + (b - a) * t;
}

// The cubic a..d between parameters `from` and `to`, as a cubic of its own (de Casteljau).
QPainterPath cubicPiece(QPointF a, QPointF b, QPointF c, QPointF d, double from, double to)
{
    // Keep [0, to]: its control points are the left halves of the construction at `to`.
    const QPointF ab = lerp(a, b, to), bc = lerp(b, c, to), cd = lerp(c, d, to);
    const QPointF abc = lerp(ab, bc, to), bcd = lerp(bc, cd, to);
    b = ab;
    c = abc;
    d = lerp(abc, bcd, to);
    // Then keep [from / to, 1] of that: the right halves.
    const double s = to > 0 ? from / to : 0;
    const QPointF ab2 = lerp(a, b, s), bc2 = lerp(b, c, s), cd2 = lerp(c, d, s);
    const QPointF abc2 = lerp(ab2, bc2, s), bcd2 = lerp(bc2, cd2, s);
    QPainterPath path(lerp(abc2, bcd2, s));
    path.cubicTo(bcd2, cd2, d);
    return path;
}
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

QColor EdgeItem::color() const
{
    return GraphStyle::healthColor(m_style->thresholds.classify(m_edge.errorRatio, m_edge.clientErrorRatio));
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
    for (int k = 0; k <= SpanSteps; ++k)
        m_points[k] = pointAt(double(k) / SpanSteps);
    m_shape = QPainterPath();
}

std::optional<std::pair<int, int>> EdgeItem::visibleSpan(const QRectF& area) const
{
    // Nothing exposed means nothing known (a render without the view's background pass): all of it.
    if (area.isEmpty() || area.contains(m_bounds))
        return std::pair(0, SpanSteps);
    int first = -1;
    int last = -1;
    for (int k = 1; k <= SpanSteps; ++k) {
        if (area.intersects(QRectF(m_points[k - 1], m_points[k]).normalized().adjusted(-1, -1, 1, 1))) {
            if (first < 0)
                first = k - 1;
            last = k;
        }
    }
    if (first < 0)
        return std::nullopt;
    return std::pair(first, last);
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
    // Hover asks for it on every mouse move over the edge's bounds: stroked once per move of the edge.
    if (m_shape.isEmpty()) {
        QPainterPath path(m_from);
        path.cubicTo(m_c1, m_c2, m_to);
        QPainterPathStroker stroker;
        stroker.setWidth(10);
        m_shape = stroker.createStroke(path);
    }
    return m_shape;
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const double detail = option->levelOfDetailFromTransform(painter->worldTransform());
    const QColor color = this->color();
    if (detail < GraphStyle::ShapeDetail) {
        // Zoomed far out: a hairline, which the raster engine draws fastest, and no arrow or label.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(QPen(color, 0));
        painter->drawLine(m_from, m_to);
        return;
    }
    const double width = (1.2 + std::min(5.0, std::log2(1.0 + m_edge.requestsPerSecond))) * m_style->lineScale;
    // An edge between distant rows crosses many screens: stroking all of it to show a sliver costs
    // as much as the whole curve (bench/graph: seconds per frame at 1:1 with 2,000 services).
    const double margin = width + 8;
    const std::optional<std::pair<int, int>> span = visibleSpan(m_style->exposed.adjusted(-margin, -margin, margin, margin));
    if (!span)
        return;
    painter->setBrush(Qt::NoBrush);
    if (!(option->state & QStyle::State_Selected) && !m_style->shown.isEmpty() && !m_style->shown.contains(m_from)
        && !m_style->shown.contains(m_to)) {
        // Passing through, both ends off screen: context, not something to read. A hairline shows
        // where it goes at a fraction of a wide smooth stroke's cost, and there may be thousands.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(QPen(color, 0));
        painter->drawPolyline(m_points.data() + span->first, span->second - span->first + 1);
        return;
    }
    const QPainterPath path = cubicPiece(m_from, m_c1, m_c2, m_to, double(span->first) / SpanSteps,
                                         double(span->second) / SpanSteps);
    // Smooth curves cost most at medium zoom, where many edges show and smoothing is hardly seen.
    painter->setRenderHint(QPainter::Antialiasing, detail >= GraphStyle::LabelDetail);
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
    const QPointF middle = pointAt(0.5);
    if (!m_style->exposed.isEmpty() && !m_style->exposed.adjusted(-LabelMargin, -20, LabelMargin, 20).contains(middle))
        return; // text is costly even where it is clipped away
    layOutLabel();
    painter->setFont(m_style->smallFont);
    const QSizeF text = m_label.size();
    const QRectF box = QRectF(middle - QPointF(text.width() / 2, text.height() / 2), text).adjusted(-4, -1, 4, 1);
    painter->setBrush(m_style->colors.labelBackground);
    painter->setPen(QPen(color, m_style->lineScale));
    painter->drawRoundedRect(box, 3, 3);
    painter->setPen(m_style->colors.text);
    painter->drawStaticText(middle - QPointF(text.width() / 2, text.height() / 2), m_label);
}

void EdgeItem::layOutLabel()
{
    if (!m_labelDirty && m_labelMode == m_style->edgeLabel && m_labelFontGeneration == m_style->fontGeneration)
        return;
    m_label.setText(m_style->edgeText(m_edge));
    m_label.setTextFormat(Qt::PlainText);
    m_label.prepare(QTransform(), m_style->smallFont);
    m_labelDirty = false;
    m_labelMode = m_style->edgeLabel;
    m_labelFontGeneration = m_style->fontGeneration;
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

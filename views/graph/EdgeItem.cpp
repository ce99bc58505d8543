// SPDX-License-Identifier: Apache-2.0
#include "EdgeItem.h"

#include "GraphStyle.h"
#include "NodeItem.h"

#include <QPainter>
#include <QPainterPath>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
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

EdgeItem::EdgeItem(const GraphEdgeModel* rows, int row, NodeItem* source, NodeItem* target, const GraphStyle* style)
    : m_rows(rows)
    , m_row(row)
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
    const GraphEdge& edge = this->edge();
    auto ms = [](double v) { return v < 0 ? QObject::tr("n/a") : QObject::tr("%1 ms").arg(v, 0, 'f', 1); };
    return QObject::tr("%1 → %2\n%3 requests/s (%4 % of the caller's)\n%5 % 5xx, %6 % 4xx\nlatency p50 %7, p95 %8, p99 %9")
        .arg(m_source ? m_source->node().name : QString(), m_target ? m_target->node().name : QString())
        .arg(edge.requestsPerSecond, 0, 'f', 2)
        .arg(edge.share * 100, 0, 'f', 0)
        .arg(edge.errorRatio * 100, 0, 'f', 1)
        .arg(edge.clientErrorRatio * 100, 0, 'f', 1)
        .arg(ms(edge.p50Ms), ms(edge.p95Ms), ms(edge.p99Ms));
}

QColor EdgeItem::color() const
{
    const GraphEdge& edge = this->edge();
    return GraphStyle::healthColor(m_style->thresholds.classify(edge.errorRatio, edge.clientErrorRatio));
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

void EdgeItem::piecesOf(std::pair<int, int> span, const QTransform& toDevice, double width,
                        QVarLengthArray<QLineF, MaxPieces>& pieces) const
{
    // Flattened in device pixels, as the raster engine would flatten the curve itself: few pieces
    // where it runs nearly straight (most of a long edge), many where it bends.
    const QPainterPath piece = cubicPiece(m_from, m_c1, m_c2, m_to, double(span.first) / SpanSteps, double(span.second) / SpanSteps);
    const QList<QPolygonF> flat = piece.toSubpathPolygons(toDevice);
    if (flat.isEmpty() || flat.first().size() < 2)
        return;
    QPolygonF points = flat.first();
    // The curve leaves and enters its ends horizontally: ending the pieces there half a width
    // early, their square caps end where the curve does, under the node and the arrow head.
    auto pullIn = [half = width / 2](QPointF& end, const QPointF& next) {
        const QLineF line(end, next);
        if (line.length() > half)
            end = line.pointAt(half / line.length());
    };
    if (span.first == 0)
        pullIn(points.first(), points.at(1));
    if (span.second == SpanSteps)
        pullIn(points.last(), points.at(points.size() - 2));
    for (qsizetype k = 1; k < points.size(); ++k)
        pieces.append(QLineF(points.at(k - 1), points.at(k)));
}

bool EdgeItem::passesThrough(const QRectF& shown) const
{
    // Nothing shown means nothing known (a render without the view's background pass): not this.
    return !isSelected() && !shown.isEmpty() && !shown.contains(m_from) && !shown.contains(m_to);
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
    if (m_style->passingEdgesDrawn && passesThrough(m_style->shown))
        return; // the view drew it, with all others passing through
    const double width = (1.2 + std::min(5.0, std::log2(1.0 + edge().requestsPerSecond))) * m_style->lineScale;
    // An edge between distant rows crosses many screens: stroking all of it to show a sliver costs
    // as much as the whole curve (bench/graph: seconds per frame at 1:1 with 2,000 services).
    const double margin = width + 8;
    const std::optional<std::pair<int, int>> span = visibleSpan(m_style->exposed.adjusted(-margin, -margin, margin, margin));
    if (!span)
        return;
    painter->setBrush(Qt::NoBrush);
    if (passesThrough(m_style->shown)) {
        // Context, and there may be thousands: a hairline shows where it goes at a fraction of a
        // wide smooth stroke's cost.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(QPen(color, 0));
        painter->drawPolyline(m_points.data() + span->first, span->second - span->first + 1);
        return;
    }
    // The raster engine strokes a curve wider than a pixel by filling its outline with the
    // antialiasing rasterizer: that was 2/3 of a crisp repaint at 1:1 (perf on bench/graph, 535
    // such curves in a 1600x1000 view of the 2,000-service graph). Straight pieces with square
    // caps go to its line rasterizer instead (535 such curves into a 1600x1000 image: 38-41 ms
    // stroked, 28 ms as pieces flattened like these); the caps overlap where the pieces meet, so
    // bends have no notches. Drawn in device pixels, where the pieces were flattened.
    const QTransform world = painter->worldTransform();
    const double deviceWidth = width * world.m11();
    QVarLengthArray<QLineF, MaxPieces> pieces;
    piecesOf(*span, world, deviceWidth, pieces);
    // Smooth curves cost most at medium zoom, where many edges show and smoothing is hardly seen.
    painter->setRenderHint(QPainter::Antialiasing, detail >= GraphStyle::LabelDetail);
    painter->setWorldTransform(QTransform());
    if (option->state & QStyle::State_Selected) {
        // A halo in the selection colour nodes use, under the health colour, so both still read.
        painter->setPen(QPen(GraphStyle::SelectionColor, deviceWidth + 6 * world.m11(), Qt::SolidLine, Qt::SquareCap));
        painter->drawLines(pieces.constData(), int(pieces.size()));
    }
    painter->setPen(QPen(color, deviceWidth, Qt::SolidLine, Qt::SquareCap));
    painter->drawLines(pieces.constData(), int(pieces.size()));
    painter->setWorldTransform(world);

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
    // Writing the number is cheap next to laying the text out, and only labels being painted do it.
    const QString text = m_style->edgeText(edge());
    if (text == m_label.text() && m_labelFontGeneration == m_style->fontGeneration)
        return;
    m_label.setText(text);
    m_label.setTextFormat(Qt::PlainText);
    m_label.prepare(QTransform(), m_style->smallFont);
    m_labelFontGeneration = m_style->fontGeneration;
}

void EdgeItem::paintDots(QPainter* painter) const
{
    const GraphEdge& edge = this->edge();
    const double rate = edge.requestsPerSecond;
    if (rate <= 0)
        return;
    // Faster traffic flows faster, logarithmically so that 1 and 1,000 rps both read; one dot in
    // every 1/errorRatio is red, so the share of red dots is the error rate.
    const double speed = 0.15 + 0.12 * std::log2(1.0 + rate); // curve lengths per second
    constexpr int Dots = 6;
    const double errors = edge.errorRatio + edge.clientErrorRatio;
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

// SPDX-License-Identifier: Apache-2.0
#include "MetricChart.h"

#include "views/style/VersionPalette.h"

#include "models/telemetry/SeriesReducer.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <optional>

MetricChart::MetricChart(TelemetrySeriesModel* model, const QString& title, QList<TelemetryMetric> metrics,
                         QWidget* parent)
    : QChartView(new QChart, parent)
    , m_model(model)
    , m_title(title)
    , m_metrics(std::move(metrics))
    , m_time(new QDateTimeAxis(chart()))
    , m_values(new QValueAxis(chart()))
{
    chart()->setTitle(m_title);
    // Versions are told apart by colour in the panel's one legend; per-chart legends of up to
    // nine lines would crowd out the plot.
    chart()->legend()->hide();
    m_time->setFormat(QStringLiteral("HH:mm:ss"));
    m_time->setTickCount(3);
    QFont small = m_time->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_time->setLabelsFont(small);
    m_values->setLabelsFont(small);
    m_values->setLabelFormat(QStringLiteral("%.3g"));
    m_values->setRange(0, 1);
    // Qt 6.4 never lays out the labels and grid of a QDateTimeAxis that is shown with its default
    // range and given a real one later: start with a real one.
    const QDateTime now = QDateTime::currentDateTime();
    m_time->setRange(now.addSecs(-60), now);
    chart()->addAxis(m_time, Qt::AlignBottom);
    chart()->addAxis(m_values, Qt::AlignLeft);
    setRubberBand(QChartView::HorizontalRubberBand);
    setMouseTracking(true);
    setMinimumSize(260, 200);

    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_axisEnd = 0; // another service or window: place the time axis afresh
        refreshLines();
    });
    connect(model, &TelemetrySeriesModel::pointsChanged, this, &MetricChart::refreshLines);
}

QPointF MetricChart::lastPoint(TelemetryMetric metric, const QString& version) const
{
    for (const Line& line : m_lines) {
        if (line.metric == metric && line.version == version && !line.pieces.isEmpty()) {
            const QLineSeries* last = line.pieces.last();
            if (last->count() > 0)
                return last->at(last->count() - 1);
        }
    }
    return {};
}

int MetricChart::segmentCount(TelemetryMetric metric, const QString& version) const
{
    for (const Line& line : m_lines) {
        if (line.metric == metric && line.version == version) {
            return int(std::count_if(line.pieces.cbegin(), line.pieces.cend(),
                                     [](const QLineSeries* s) { return s->count() > 0; }));
        }
    }
    return 0;
}

int MetricChart::plotWidth() const
{
    return std::max(50, int(chart()->plotArea().width()));
}

void MetricChart::resetZoom()
{
    m_zoomed = false;
    m_axisEnd = 0; // follow live data again from the next update
    chart()->zoomReset();
    refreshLines();
}

QPen MetricChart::penFor(TelemetryMetric metric, const QString& version) const
{
    static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};
    const qsizetype position = m_metrics.indexOf(metric);
    QPen pen(VersionPalette::colorFor(version), 2);
    // With three metrics on a chart (p50, p95, p99) the middle one is the solid one.
    const qsizetype styleIndex = m_metrics.size() == 3 ? (position + 2) % 3 : position;
    pen.setStyle(styles[std::clamp<qsizetype>(styleIndex, 0, 2)]);
    return pen;
}

MetricChart::Line& MetricChart::lineFor(TelemetryMetric metric, const QString& version)
{
    for (Line& line : m_lines) {
        if (line.metric == metric && line.version == version)
            return line;
    }
    m_lines.append(Line{metric, version, {}});
    return m_lines.last();
}

void MetricChart::setMarkers(const QList<ChartMarker>& markers)
{
    m_markers = markers;
    viewport()->update();
}

QList<ChartMarker> MetricChart::visibleMarkers() const
{
    QList<ChartMarker> visible;
    const double from = double(m_time->min().toMSecsSinceEpoch());
    const double to = double(m_time->max().toMSecsSinceEpoch());
    for (const ChartMarker& m : m_markers) {
        if (m.timeMs >= from && m.timeMs <= to)
            visible.append(m);
    }
    return visible;
}

void MetricChart::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    const QRectF plot = chart()->plotArea();
    painter->save();
    painter->setPen(QPen(QColor(0x55, 0x55, 0x55), 1, Qt::DashDotLine));
    for (const ChartMarker& m : visibleMarkers()) {
        const double x = chart()->mapToPosition(QPointF(m.timeMs, m_values->min())).x();
        painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        painter->drawText(QPointF(x + 3, plot.top() + 12), QStringLiteral("▲"));
    }
    painter->restore();
}

void MetricChart::showEvent(QShowEvent* event)
{
    QChartView::showEvent(event);
    if (m_dirty)
        refreshLines();
}

void MetricChart::refreshLines()
{
    if (!isVisible()) {
        m_dirty = true;
        return;
    }
    m_dirty = false;

    // Lines of versions that are gone (another service selected) are removed.
    for (auto it = m_lines.begin(); it != m_lines.end();) {
        if (m_model->rowOf(it->metric, it->version) < 0) {
            for (QLineSeries* piece : std::as_const(it->pieces)) {
                chart()->removeSeries(piece);
                delete piece;
            }
            it = m_lines.erase(it);
        } else {
            ++it;
        }
    }

    double highest = 0;
    double earliest = m_model->latestTime();
    const double stepMs = m_model->stepSeconds() * 1000.0;
    const double latest = m_model->latestTime() > 0 ? m_model->latestTime() : double(QDateTime::currentMSecsSinceEpoch());
    const bool moveAxis = !m_zoomed && (latest > m_axisEnd || latest < m_axisEnd - m_model->windowMs());
    if (moveAxis) {
        // The time axis jumps ahead by a tenth of the window and then holds still while the lines
        // grow into it: every axis move makes Qt Charts recompute every line, so it moves rarely.
        m_axisEnd = latest + m_model->windowMs() / 10;
    }
    const double axisStart = m_axisEnd - m_model->windowMs() * 1.1;
    const int columns = plotWidth();

    for (int row = 0; row < m_model->rowCount(); ++row) {
        const TelemetrySeries& series = m_model->series(row);
        if (!m_metrics.contains(series.metric))
            continue;
        Line& line = lineFor(series.metric, series.version);
        const QList<QList<QPointF>> segments = TelemetrySeriesModel::segments(series.points, stepMs);
        while (line.pieces.size() < std::max<qsizetype>(1, segments.size())) {
            auto* piece = new QLineSeries(chart());
            piece->setPen(penFor(series.metric, series.version));
            piece->setName(series.version + u' ' + TelemetryMetrics::info(series.metric).title);
            chart()->addSeries(piece);
            piece->attachAxis(m_time);
            piece->attachAxis(m_values);
            line.pieces.append(piece);
        }
        for (qsizetype i = 0; i < line.pieces.size(); ++i) {
            // Never more points than the plot has pixel columns (a low and a high per column).
            line.pieces[i]->replace(i < segments.size() ? SeriesReducer::reduce(segments[i], axisStart, m_axisEnd, columns)
                                                        : QList<QPointF>());
        }
        for (const QPointF& p : series.points)
            highest = std::max(highest, p.y());
        if (!series.points.isEmpty())
            earliest = std::min(earliest, series.points.first().x());
    }

    const QString title = m_lines.isEmpty() && m_model->rowCount() > 0 ? m_title + tr(" — no data") : m_title;
    if (chart()->title() != title)
        chart()->setTitle(title);
    if (m_zoomed)
        return;
    if (moveAxis) {
        // A young cluster has less history than the window: show what exists (at least a minute)
        // rather than a line squeezed against the right edge.
        constexpr double MinimumSpanMs = 60000;
        const double start = std::max(axisStart, std::min(earliest, m_axisEnd - MinimumSpanMs));
        m_time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(start)), QDateTime::fromMSecsSinceEpoch(qint64(m_axisEnd)));
    }
    // The value axis changes only when the lines outgrow it or shrink to under half of it.
    const double top = m_values->max();
    if (highest > top || highest < top * 0.5 || (highest == 0 && top != 1))
        m_values->setRange(0, highest > 0 ? highest * 1.2 : 1);
}

QString MetricChart::readoutAt(double time) const
{
    QStringList lines{QDateTime::fromMSecsSinceEpoch(qint64(time)).toString(QStringLiteral("HH:mm:ss"))};
    const double reach = m_model->stepSeconds() * 1000.0; // no value further than a step away
    for (const Line& line : m_lines) {
        std::optional<QPointF> nearest;
        for (const QLineSeries* piece : line.pieces) {
            for (const QPointF& p : piece->points()) {
                if (std::abs(p.x() - time) <= reach && (!nearest || std::abs(p.x() - time) < std::abs(nearest->x() - time)))
                    nearest = p;
            }
        }
        if (nearest) {
            const TelemetryMetricInfo& info = TelemetryMetrics::info(line.metric);
            lines.append(QStringLiteral("%1 %2: %3 %4").arg(line.version, info.title).arg(nearest->y(), 0, 'g', 4).arg(info.unit));
        }
    }
    return lines.join(u'\n');
}

void MetricChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    const QPointF value = chart()->mapToValue(event->position());
    if (!chart()->plotArea().contains(event->position()))
        return;
    QString text = readoutAt(value.x());
    // A marker within a few pixels of the cursor says what happened there.
    for (const ChartMarker& m : visibleMarkers()) {
        const double x = chart()->mapToPosition(QPointF(m.timeMs, m_values->min())).x();
        if (std::abs(x - event->position().x()) <= 4)
            text += u'\n' + m.text;
    }
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void MetricChart::mouseReleaseEvent(QMouseEvent* event)
{
    // A left drag ends a rubber-band zoom (a plain click changes nothing); a right click is Qt
    // Charts' zoom out. Either way, whether the time range moved says if the operator zoomed.
    const QDateTime before = m_time->min();
    QChartView::mouseReleaseEvent(event);
    if (m_time->min() != before)
        m_zoomed = event->button() == Qt::LeftButton;
}

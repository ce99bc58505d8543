// SPDX-License-Identifier: Apache-2.0
#include "MetricChart.h"

#include "views/style/VersionPalette.h"
#include "views/style/ViewLook.h"

#include "models/telemetry/ChartFramePreparer.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <QAreaSeries>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

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
    m_values->setLabelFormat(QStringLiteral("%.3g"));
    m_values->setRange(0, 1);
    // Qt 6.4 never lays out the labels and grid of a QDateTimeAxis that is shown with its default
    // range and given a real one later: start with a real one.
    const QDateTime now = QDateTime::currentDateTime();
    m_time->setRange(now.addSecs(-60), now);
    chart()->addAxis(m_time, Qt::AlignBottom);
    chart()->addAxis(m_values, Qt::AlignLeft);
    // Antialiasing roughly doubles the cost of stroking lines in software (measured in
    // bench_telemetry); on a chart of pixel-thinned lines it buys little.
    setRenderHint(QPainter::Antialiasing, false);
    setRubberBand(QChartView::HorizontalRubberBand);
    setMouseTracking(true);
    setMinimumSize(260, 200);

    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_axisEnd = 0; // another service or window: place the time axis afresh
        ++m_generation; // and never show a frame prepared from the old data
        refreshLines();
    });
    connect(model, &TelemetrySeriesModel::pointsChanged, this, &MetricChart::refreshLines);
    // The lines are thinned to the plot's pixel columns: a wider or narrower plot thins them again.
    connect(chart(), &QChart::plotAreaChanged, this, [this](const QRectF& plot) {
        if (int(plot.width()) != m_thinnedWidth)
            refreshLines();
    });
    applyLook();
    connect(ViewLook::instance(), &ViewLook::changed, this, [this] {
        applyLook();
        refreshLines(); // the lines take their new width from penFor()
    });
}

void MetricChart::applyLook()
{
    const LookColors colors = ViewLook::instance()->colors();
    chart()->setBackgroundBrush(colors.canvas);
    chart()->setTitleBrush(colors.text);
    QFont title = QGuiApplication::font();
    title.setBold(true);
    chart()->setTitleFont(title);
    QFont small = QGuiApplication::font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_time), static_cast<QAbstractAxis*>(m_values)}) {
        axis->setLabelsFont(small);
        axis->setLabelsBrush(colors.text);
        axis->setGridLineColor(colors.grid);
        axis->setLinePenColor(colors.secondaryText);
    }
    viewport()->update();
}

QPointF MetricChart::lastPoint(TelemetryMetric metric, const QString& version) const
{
    for (const Line& line : m_lines) {
        if (line.metric != metric || line.version != version)
            continue;
        for (auto piece = line.pieces.crbegin(); piece != line.pieces.crend(); ++piece) {
            if ((*piece)->count() > 0)
                return (*piece)->at((*piece)->count() - 1);
        }
    }
    return {};
}

QList<QPointF> MetricChart::drawnPoints(TelemetryMetric metric, const QString& version) const
{
    QList<QPointF> points;
    for (const Line& line : m_lines) {
        if (line.metric != metric || line.version != version)
            continue;
        for (const QLineSeries* piece : line.pieces) {
            for (const QPointF& p : piece->points()) {
                if (points.isEmpty() || p.x() > points.last().x())
                    points.append(p);
            }
        }
    }
    return points;
}

int MetricChart::segmentCount(TelemetryMetric metric, const QString& version) const
{
    for (const Line& line : m_lines) {
        if (line.metric == metric && line.version == version) {
            // A chunk that starts where the previous one ends continues its segment.
            int segments = 0;
            QPointF previousEnd(-1, -1);
            for (const QLineSeries* piece : line.pieces) {
                if (piece->count() == 0)
                    continue;
                if (piece->at(0) != previousEnd)
                    ++segments;
                previousEnd = piece->at(piece->count() - 1);
            }
            return segments;
        }
    }
    return 0;
}

std::pair<double, double> MetricChart::timeRange() const
{
    return {double(m_time->min().toMSecsSinceEpoch()), double(m_time->max().toMSecsSinceEpoch())};
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

TelemetryMetric MetricChart::solidMetric() const
{
    // The style order of penFor(): with three metrics the middle one is solid, else the first.
    return m_metrics.size() == 3 ? m_metrics.at(1) : m_metrics.first();
}

QPen MetricChart::penFor(TelemetryMetric metric, const QString& version, qsizetype lineCount) const
{
    static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};
    constexpr qsizetype DenseLines = 6;
    const qsizetype position = m_metrics.indexOf(metric);
    // One-pixel cosmetic pens take the raster engine's fast path; wider or dashed-wide pens are
    // stroked into polygons first (bench_telemetry: the whole default panel paints in about a
    // quarter of the time). Only while presenting must lines be wide enough to carry.
    const double scale = ViewLook::instance()->lineScale();
    QPen pen(VersionPalette::colorFor(version), scale > 1 ? (lineCount > DenseLines ? scale : 2 * scale) : 1);
    pen.setCosmetic(true);
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

void MetricChart::setWindows(const QList<ChartWindow>& windows)
{
    m_windows = windows;
    viewport()->update();
}

QList<ChartWindow> MetricChart::visibleWindows(double nowMs) const
{
    QList<ChartWindow> visible;
    const double from = double(m_time->min().toMSecsSinceEpoch());
    const double to = double(m_time->max().toMSecsSinceEpoch());
    for (ChartWindow w : m_windows) {
        if (w.endMs <= 0)
            w.endMs = std::max(w.startMs, nowMs);
        if (w.endMs >= from && w.startMs <= to)
            visible.append(w);
    }
    return visible;
}

void MetricChart::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    const QRectF plot = chart()->plotArea();
    painter->save();
    // Windows are painted over the finished scene, like the markers: a running one grows with
    // every repaint at no cost to the lines (no series, no scene change).
    painter->setClipRect(plot);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0xE0, 0x6C, 0x1F, 40));
    for (const ChartWindow& w : visibleWindows(double(QDateTime::currentMSecsSinceEpoch()))) {
        const double left = chart()->mapToPosition(QPointF(w.startMs, m_values->min())).x();
        const double right = chart()->mapToPosition(QPointF(w.endMs, m_values->min())).x();
        painter->drawRect(QRectF(QPointF(left, plot.top()), QPointF(std::max(right, left + 2), plot.bottom())));
    }
    painter->setClipping(false);
    painter->setPen(QPen(ViewLook::instance()->colors().marker, ViewLook::instance()->lineScale(), Qt::DashDotLine));
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

void MetricChart::setComparison(const QString& baseline, const QString& canary)
{
    if (baseline == m_baseline && canary == m_canary)
        return;
    m_baseline = baseline;
    m_canary = canary;
    ++m_generation; // a frame prepared for the old pair is not shown
    refreshLines();
}

void MetricChart::refreshLines()
{
    if (!isVisible()) {
        m_dirty = true;
        return;
    }
    m_dirty = false;
    if (m_preparing) {
        // One frame at a time: the newest state is prepared when the current one is done.
        m_again = true;
        return;
    }

    const double latest = m_model->latestTime() > 0 ? m_model->latestTime() : double(QDateTime::currentMSecsSinceEpoch());
    if (!m_zoomed && (latest > m_axisEnd || latest < m_axisEnd - m_model->windowMs())) {
        // The time axis jumps ahead by a tenth of the window and then holds still while the lines
        // grow into it: every axis move makes Qt Charts recompute every line, so it moves rarely.
        m_axisEnd = latest + m_model->windowMs() / 10;
        m_axisMoved = true;
    }

    ChartFrameRequest request;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_metrics.contains(m_model->series(row).metric))
            request.series.append(m_model->series(row)); // shares the points, copies none
    }
    request.metrics = m_metrics;
    request.stepMs = m_model->stepSeconds() * 1000.0;
    request.fromMs = m_zoomed ? double(m_time->min().toMSecsSinceEpoch()) : m_axisEnd - m_model->windowMs() * 1.1;
    request.toMs = m_zoomed ? double(m_time->max().toMSecsSinceEpoch()) : m_axisEnd;
    request.columns = plotWidth();
    m_thinnedWidth = int(chart()->plotArea().width());
    request.baseline = m_baseline;
    request.canary = m_canary;
    request.bandMetrics = {solidMetric()};

    m_preparing = true;
    const quint64 generation = m_generation;
    QtConcurrent::run(&ChartFramePreparer::prepare, request).then(this, [this, generation](const ChartFrame& frame) {
        m_preparing = false;
        if (generation == m_generation)
            swapIn(frame);
        if (m_again) {
            m_again = false;
            refreshLines();
        }
    });
}

void MetricChart::swapIn(const ChartFrame& frame)
{
    QElapsedTimer timer;
    timer.start();
    // Lines that are no longer drawn (another service, another pair compared) are removed.
    for (auto it = m_lines.begin(); it != m_lines.end();) {
        const bool drawn = std::any_of(frame.lines.cbegin(), frame.lines.cend(), [&](const ChartLine& l) {
            return l.metric == it->metric && l.version == it->version;
        });
        if (drawn) {
            ++it;
            continue;
        }
        for (QLineSeries* piece : std::as_const(it->pieces)) {
            chart()->removeSeries(piece);
            delete piece;
        }
        it = m_lines.erase(it);
    }

    const qsizetype lineCount = frame.lines.size();
    for (const ChartLine& drawn : frame.lines) {
        Line& line = lineFor(drawn.metric, drawn.version);
        while (line.pieces.size() < std::max<qsizetype>(1, drawn.pieces.size())) {
            auto* piece = new QLineSeries(chart());
            piece->setName(drawn.version + u' ' + TelemetryMetrics::info(drawn.metric).title);
            chart()->addSeries(piece);
            piece->attachAxis(m_time);
            piece->attachAxis(m_values);
            line.pieces.append(piece);
        }
        const QPen pen = penFor(drawn.metric, drawn.version, lineCount);
        for (qsizetype i = 0; i < line.pieces.size(); ++i) {
            if (line.pieces[i]->pen() != pen)
                line.pieces[i]->setPen(pen);
            // Only chunks that changed are replaced: each replace recomputes the whole series.
            const QList<QPointF> wanted = i < drawn.pieces.size() ? drawn.pieces[i] : QList<QPointF>();
            if (line.pieces[i]->points() != wanted)
                line.pieces[i]->replace(wanted);
        }
    }
    swapInBands(frame);

    const QString title = m_lines.isEmpty() && m_model->rowCount() > 0 ? m_title + tr(" — no data") : m_title;
    if (chart()->title() != title)
        chart()->setTitle(title);
    if (!m_zoomed && m_axisMoved) {
        m_axisMoved = false;
        // A young cluster has less history than the window: show what exists (at least a minute)
        // rather than a line squeezed against the right edge.
        constexpr double MinimumSpanMs = 60000;
        const double axisStart = m_axisEnd - m_model->windowMs() * 1.1;
        const double earliest = frame.earliest > 0 ? frame.earliest : m_axisEnd;
        const double start = std::max(axisStart, std::min(earliest, m_axisEnd - MinimumSpanMs));
        m_time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(start)), QDateTime::fromMSecsSinceEpoch(qint64(m_axisEnd)));
    }
    // The value axis changes only when the lines outgrow it or shrink to under half of it.
    const double top = m_values->max();
    if (!m_zoomed && (frame.highest > top || frame.highest < top * 0.5 || (frame.highest == 0 && top != 1)))
        m_values->setRange(0, frame.highest > 0 ? frame.highest * 1.2 : 1);
    // A running experiment's window grows to now, but Qt repaints only where the lines changed:
    // the plot is repainted whole so the window's edge follows.
    if (std::any_of(m_windows.cbegin(), m_windows.cend(), [](const ChartWindow& w) { return w.endMs <= 0; }))
        viewport()->update(mapFromScene(chart()->mapToScene(chart()->plotArea())).boundingRect());
    m_lastSwapMs = timer.nsecsElapsed() / 1e6;
    Q_EMIT linesReplaced();
}

void MetricChart::swapInBands(const ChartFrame& frame)
{
    for (Band& band : m_bands) {
        const auto drawn = std::find_if(frame.bands.cbegin(), frame.bands.cend(), [&](const ChartBand& b) { return b.metric == band.metric; });
        const qsizetype wanted = drawn == frame.bands.cend() ? 0 : drawn->upper.size();
        for (qsizetype i = 0; i < band.pieces.size(); ++i) {
            band.pieces[i]->upperSeries()->replace(i < wanted ? drawn->upper[i] : QList<QPointF>());
            band.pieces[i]->lowerSeries()->replace(i < wanted ? drawn->lower[i] : QList<QPointF>());
        }
    }
    for (const ChartBand& drawn : frame.bands) {
        auto band = std::find_if(m_bands.begin(), m_bands.end(), [&](const Band& b) { return b.metric == drawn.metric; });
        if (band == m_bands.end()) {
            m_bands.append(Band{drawn.metric, {}});
            band = m_bands.end() - 1;
        }
        // The band takes the canary's colour, faint, so the lines stay readable over it.
        QColor fill = VersionPalette::colorFor(m_canary);
        fill.setAlpha(60);
        while (band->pieces.size() < drawn.upper.size()) {
            const qsizetype i = band->pieces.size();
            auto* area = new QAreaSeries(new QLineSeries(chart()), new QLineSeries(chart()));
            area->setName(tr("%1 vs %2").arg(m_canary, m_baseline));
            area->setPen(Qt::NoPen);
            area->upperSeries()->replace(drawn.upper[i]);
            area->lowerSeries()->replace(drawn.lower[i]);
            chart()->addSeries(area);
            area->attachAxis(m_time);
            area->attachAxis(m_values);
            band->pieces.append(area);
        }
        for (QAreaSeries* area : std::as_const(band->pieces)) {
            if (area->brush().color() != fill)
                area->setBrush(fill);
        }
    }
}

int MetricChart::bandPieceCount(TelemetryMetric metric) const
{
    for (const Band& band : m_bands) {
        if (band.metric == metric) {
            return int(std::count_if(band.pieces.cbegin(), band.pieces.cend(),
                                     [](const QAreaSeries* a) { return a->upperSeries()->count() > 0; }));
        }
    }
    return 0;
}

QStringList MetricChart::drawnVersions() const
{
    QStringList versions;
    for (const Line& line : m_lines) {
        const bool hasPoints = std::any_of(line.pieces.cbegin(), line.pieces.cend(), [](const QLineSeries* s) { return s->count() > 0; });
        if (hasPoints && !versions.contains(line.version))
            versions.append(line.version);
    }
    std::sort(versions.begin(), versions.end());
    return versions;
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

QString MetricChart::hoverText(const QPointF& position) const
{
    if (!chart()->plotArea().contains(position))
        return {};
    const double time = chart()->mapToValue(position).x();
    QString text = readoutAt(time);
    // A marker within a few pixels of the cursor says what happened there.
    for (const ChartMarker& m : visibleMarkers()) {
        const double x = chart()->mapToPosition(QPointF(m.timeMs, m_values->min())).x();
        if (std::abs(x - position.x()) <= 4)
            text += u'\n' + m.text;
    }
    for (const ChartWindow& w : visibleWindows(double(QDateTime::currentMSecsSinceEpoch()))) {
        if (time >= w.startMs && time <= w.endMs)
            text += u'\n' + w.text;
    }
    return text;
}

void MetricChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    const QString text = hoverText(event->position());
    if (!text.isEmpty())
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void MetricChart::mouseReleaseEvent(QMouseEvent* event)
{
    // A left drag ends a rubber-band zoom (a plain click changes nothing); a right click is Qt
    // Charts' zoom out. Either way, whether the time range moved says if the operator zoomed.
    const QDateTime before = m_time->min();
    QChartView::mouseReleaseEvent(event);
    if (m_time->min() != before) {
        m_zoomed = event->button() == Qt::LeftButton;
        refreshLines(); // thinned again for the range now shown
    }
}

// SPDX-License-Identifier: Apache-2.0
#include "ChartFramePreparer.h"

#include "SeriesReducer.h"

#include <algorithm>
#include <cmath>

namespace {

// Pixel columns per chunk of a line. Qt Charts recomputes (and strokes, for hit testing) a whole
// series on every replace; in chunks on a fixed time grid, a refresh that adds a point at the
// right and drops one at the left changes two short series per line, not the whole line.
constexpr int ChunkColumns = 64;

QList<QList<QPointF>> reducedPieces(const QList<QList<QPointF>>& pieces, const ChartFrameRequest& request)
{
    QList<QList<QPointF>> reduced;
    reduced.reserve(pieces.size());
    for (const QList<QPointF>& piece : pieces)
        reduced.append(SeriesReducer::reduce(piece, request.fromMs, request.toMs, request.columns));
    return reduced;
}

// Cuts each piece where it crosses a chunk boundary of the time grid; a chunk starts with the
// previous chunk's last point so the line stays continuous.
QList<QList<QPointF>> chunked(const QList<QList<QPointF>>& pieces, const ChartFrameRequest& request)
{
    const double chunkMs = (request.toMs - request.fromMs) / std::max(1, request.columns) * ChunkColumns;
    if (chunkMs <= 0)
        return pieces;
    QList<QList<QPointF>> chunks;
    for (const QList<QPointF>& piece : pieces) {
        long current = 0;
        for (qsizetype i = 0; i < piece.size(); ++i) {
            const long chunk = long(std::floor((piece[i].x() - request.fromMs) / chunkMs));
            if (i == 0) {
                chunks.append(QList<QPointF>());
            } else if (chunk != current) {
                chunks.append(QList<QPointF>{piece[i - 1]});
            }
            current = chunk;
            chunks.last().append(piece[i]);
        }
    }
    return chunks;
}

} // namespace

std::pair<QList<QList<QPointF>>, QList<QList<QPointF>>> ChartFramePreparer::band(const QList<QPointF>& a,
                                                                                   const QList<QPointF>& b,
                                                                                   double stepMs)
{
    QList<QList<QPointF>> lower;
    QList<QList<QPointF>> upper;
    double previous = 0;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        // Both come from one step grid; half a step absorbs floating-point noise in the times.
        if (a[i].x() < b[j].x() - stepMs / 2) {
            ++i;
            continue;
        }
        if (b[j].x() < a[i].x() - stepMs / 2) {
            ++j;
            continue;
        }
        const double x = a[i].x();
        if (lower.isEmpty() || x - previous > 1.5 * stepMs) {
            lower.append(QList<QPointF>());
            upper.append(QList<QPointF>());
        }
        lower.last().append(QPointF(x, std::min(a[i].y(), b[j].y())));
        upper.last().append(QPointF(x, std::max(a[i].y(), b[j].y())));
        previous = x;
        ++i;
        ++j;
    }
    return {lower, upper};
}

ChartFrame ChartFramePreparer::prepare(const ChartFrameRequest& request)
{
    ChartFrame frame;
    const bool comparing = !request.baseline.isEmpty() && !request.canary.isEmpty();
    for (const TelemetrySeries& series : request.series) {
        if (!request.metrics.contains(series.metric))
            continue;
        if (comparing && series.version != request.baseline && series.version != request.canary)
            continue;
        ChartLine line{series.metric, series.version, {}};
        line.pieces = chunked(reducedPieces(TelemetrySeriesModel::segments(series.points, request.stepMs), request), request);
        for (const QPointF& p : series.points)
            frame.highest = std::max(frame.highest, p.y());
        if (!series.points.isEmpty()) {
            const double first = series.points.first().x();
            frame.earliest = frame.earliest == 0 ? first : std::min(frame.earliest, first);
        }
        frame.lines.append(std::move(line));
    }
    if (!comparing)
        return frame;

    for (TelemetryMetric metric : request.bandMetrics) {
        const TelemetrySeries* baseline = nullptr;
        const TelemetrySeries* canary = nullptr;
        for (const TelemetrySeries& series : request.series) {
            if (series.metric == metric && series.version == request.baseline)
                baseline = &series;
            if (series.metric == metric && series.version == request.canary)
                canary = &series;
        }
        if (!baseline || !canary)
            continue;
        auto [lower, upper] = band(baseline->points, canary->points, request.stepMs);
        frame.bands.append(ChartBand{metric, reducedPieces(lower, request), reducedPieces(upper, request)});
    }
    return frame;
}

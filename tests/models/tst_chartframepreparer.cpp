// SPDX-License-Identifier: Apache-2.0
#include "models/telemetry/ChartFramePreparer.h"

#include <QTest>

#include <algorithm>

class TestChartFramePreparer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cutsAtGapsAndThinsToColumns();
    void comparesTwoVersionsWithABand();
    void bandBreaksWhereEitherLineIsMissing();
    void leavesOtherMetricsOut();
};

namespace {

// One point a second from `from` to `to` (seconds), value f(t), skipping [holeFrom, holeTo).
QList<QPointF> secondly(int from, int to, double (*f)(int), int holeFrom = -1, int holeTo = -1)
{
    QList<QPointF> points;
    for (int t = from; t < to; ++t) {
        if (t < holeFrom || t >= holeTo)
            points.append(QPointF(t * 1000.0, f(t)));
    }
    return points;
}

double wave(int t)
{
    return 10 + (t % 13) + (t == 1234 ? 400 : 0);
}

double flat10(int)
{
    return 10;
}

double flat25(int)
{
    return 25;
}

} // namespace

void TestChartFramePreparer::cutsAtGapsAndThinsToColumns()
{
    ChartFrameRequest request;
    request.series = {{TelemetryMetric::RequestRate, QStringLiteral("v1"), secondly(0, 3600, wave, 2000, 2100)}};
    request.metrics = {TelemetryMetric::RequestRate};
    request.stepMs = 1000;
    request.fromMs = 0;
    request.toMs = 3600 * 1000.0;
    request.columns = 300;
    const ChartFrame frame = ChartFramePreparer::prepare(request);
    QCOMPARE(frame.lines.size(), 1);
    const ChartLine& line = frame.lines.first();
    // Chunks of 64 columns; a chunk continuing the previous one starts with its last point, so
    // only the 100 s hole separates two segments.
    QList<QPointF> drawn;
    int segments = 0;
    for (const QList<QPointF>& piece : line.pieces) {
        QVERIFY(!piece.isEmpty());
        QVERIFY(std::is_sorted(piece.cbegin(), piece.cend(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        if (drawn.isEmpty() || piece.first() != drawn.last()) {
            ++segments;
            drawn.append(piece);
        } else {
            drawn.append(piece.mid(1));
        }
    }
    QCOMPARE(segments, 2);
    QVERIFY(line.pieces.size() >= 300 / 64);
    const auto afterHole = std::find_if(drawn.cbegin(), drawn.cend(), [](const QPointF& p) { return p.x() >= 2000 * 1000.0; });
    QCOMPARE(afterHole->x(), 2100 * 1000.0);
    // At most a low and a high per pixel column (and the ends of each segment), the spike kept.
    QVERIFY(drawn.size() <= 2 * 300 + 4);
    QVERIFY(std::any_of(drawn.cbegin(), drawn.cend(), [](const QPointF& p) { return p.y() == 410.0 + 1234 % 13; }));
    QCOMPARE(drawn.last().x(), 3599 * 1000.0);
    QCOMPARE(frame.highest, 410.0 + 1234 % 13);
    QCOMPARE(frame.earliest, 0.0);
}

void TestChartFramePreparer::comparesTwoVersionsWithABand()
{
    ChartFrameRequest request;
    request.series = {{TelemetryMetric::LatencyP95, QStringLiteral("v1"), secondly(0, 60, flat10)},
                      {TelemetryMetric::LatencyP95, QStringLiteral("v2"), secondly(0, 60, flat10)},
                      {TelemetryMetric::LatencyP95, QStringLiteral("v3"), secondly(10, 60, flat25)}};
    request.metrics = {TelemetryMetric::LatencyP95};
    request.fromMs = 0;
    request.toMs = 60000;
    request.baseline = QStringLiteral("v2");
    request.canary = QStringLiteral("v3");
    request.bandMetrics = {TelemetryMetric::LatencyP95};
    const ChartFrame frame = ChartFramePreparer::prepare(request);
    QStringList versions;
    for (const ChartLine& line : frame.lines)
        versions.append(line.version);
    QCOMPARE(versions, (QStringList{QStringLiteral("v2"), QStringLiteral("v3")}));
    QCOMPARE(frame.bands.size(), 1);
    const ChartBand& band = frame.bands.first();
    QCOMPARE(band.upper.size(), 1);
    // Only where both have values: from 10 s on, between 10 (v2) and 25 (v3).
    QCOMPARE(band.lower.first().first(), QPointF(10000, 10));
    QCOMPARE(band.upper.first().first(), QPointF(10000, 25));
    QCOMPARE(band.upper.first().last(), QPointF(59000, 25));
}

void TestChartFramePreparer::bandBreaksWhereEitherLineIsMissing()
{
    const QList<QPointF> a = secondly(0, 30, flat10, 10, 15);
    const QList<QPointF> b = secondly(0, 30, flat25, 20, 21);
    const auto [lower, upper] = ChartFramePreparer::band(a, b, 1000);
    QCOMPARE(lower.size(), 3); // [0,10), [15,20), [21,30)
    QCOMPARE(upper.size(), 3);
    QCOMPARE(lower[1].first().x(), 15000.0);
    QCOMPARE(lower[2].first().x(), 21000.0);
    QCOMPARE(upper[2].last(), QPointF(29000, 25));
}

void TestChartFramePreparer::leavesOtherMetricsOut()
{
    ChartFrameRequest request;
    request.series = {{TelemetryMetric::RequestRate, QStringLiteral("v1"), secondly(0, 10, flat10)},
                      {TelemetryMetric::Errors5xx, QStringLiteral("v1"), secondly(0, 10, flat25)}};
    request.metrics = {TelemetryMetric::Errors5xx};
    request.toMs = 10000;
    const ChartFrame frame = ChartFramePreparer::prepare(request);
    QCOMPARE(frame.lines.size(), 1);
    QCOMPARE(frame.lines.first().metric, TelemetryMetric::Errors5xx);
    QCOMPARE(frame.highest, 25.0);
    QVERIFY(frame.bands.isEmpty());
}

QTEST_GUILESS_MAIN(TestChartFramePreparer)
#include "tst_chartframepreparer.moc"

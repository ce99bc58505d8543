// SPDX-License-Identifier: Apache-2.0
#include "models/telemetry/TelemetrySeriesModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

class TestTelemetrySeriesModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void backfillThenIncrements();
    void resetArrivesWithTheBackfill();
    void keepsOnlyTheWindow();
    void splitsAtGaps();
};

namespace {
TelemetrySeries series(TelemetryMetric metric, const char* version, QList<QPointF> points)
{
    return {metric, QString::fromUtf8(version), std::move(points)};
}
} // namespace

void TestTelemetrySeriesModel::backfillThenIncrements()
{
    TelemetrySeriesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy updates(&model, &TelemetrySeriesModel::pointsChanged);
    const QString reviews = QStringLiteral("reviews");
    model.addBatch({reviews, 1,
                    {series(TelemetryMetric::LatencyP95, "v1", {{1000, 20}, {2000, 21}}),
                     series(TelemetryMetric::RequestRate, "v2", {{1000, 2}, {2000, 3}}),
                     series(TelemetryMetric::RequestRate, "v1", {{1000, 8}, {2000, 7}})}},
                   true);
    QCOMPARE(model.rowCount(), 3);
    // Ordered by metric, then version, whatever the arrival order.
    QCOMPARE(model.series(0).version, QStringLiteral("v1"));
    QCOMPARE(model.series(0).metric, TelemetryMetric::RequestRate);
    QCOMPARE(model.series(2).metric, TelemetryMetric::LatencyP95);
    QCOMPARE(model.versions(), (QStringList{QStringLiteral("v1"), QStringLiteral("v2")}));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.addBatch({reviews, 1,
                    {series(TelemetryMetric::RequestRate, "v1", {{2000, 7}, {3000, 6}}),
                     series(TelemetryMetric::RequestRate, "v3", {{3000, 1}})}},
                   false);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.rowCount(), 4);
    const int v1 = model.rowOf(TelemetryMetric::RequestRate, QStringLiteral("v1"));
    QCOMPARE(model.series(v1).points.size(), 3); // the repeated 2000 ms point is not doubled
    QCOMPARE(model.index(v1).data(TelemetrySeriesModel::LatestValueRole).toDouble(), 6.0);
    QCOMPARE(model.latestTime(), 3000.0);
    QCOMPARE(updates.count(), 2);

    model.addBatch({QStringLiteral("ratings"), 1, {series(TelemetryMetric::RequestRate, "v1", {{5000, 1}})}}, true);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.service(), QStringLiteral("ratings"));
}

void TestTelemetrySeriesModel::resetArrivesWithTheBackfill()
{
    // Views place themselves when the model resets (a chart fits its time axis to the oldest and
    // newest points): the reset must hand them the backfill, never the empty state before it.
    TelemetrySeriesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    int rowsAtReset = -1;
    double latestAtReset = -1;
    double oldestAtReset = -1;
    connect(&model, &QAbstractItemModel::modelReset, this, [&] {
        rowsAtReset = model.rowCount();
        latestAtReset = model.latestTime();
        oldestAtReset = model.rowCount() > 0 && !model.series(0).points.isEmpty() ? model.series(0).points.first().x() : -1;
    });
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.addBatch({QStringLiteral("reviews"), 1,
                    {series(TelemetryMetric::RequestRate, "v1", {{1000, 8}, {2000, 7}}),
                     series(TelemetryMetric::RequestRate, "v2", {{1000, 2}, {3000, 3}})}},
                   true);
    QCOMPARE(rowsAtReset, 2);
    QCOMPARE(latestAtReset, 3000.0);
    QCOMPARE(oldestAtReset, 1000.0);
    QCOMPARE(inserted.count(), 0); // the rows came with the reset
}

void TestTelemetrySeriesModel::keepsOnlyTheWindow()
{
    TelemetrySeriesModel model;
    model.setWindowSeconds(10);
    QList<QPointF> points;
    for (int s = 0; s < 100; ++s)
        points.append(QPointF(s * 1000.0, s));
    model.addBatch({QStringLiteral("reviews"), 1, {series(TelemetryMetric::RequestRate, "v1", points)}}, true);
    QCOMPARE(model.series(0).points.size(), 11);
    // Bounded: never more than 1.1 windows of points, trimmed back to the window when exceeded.
    qsizetype most = 0;
    for (int s = 100; s < 1000; ++s) {
        model.addBatch({QStringLiteral("reviews"), 1, {series(TelemetryMetric::RequestRate, "v1", {{s * 1000.0, double(s)}})}}, false);
        most = std::max(most, model.series(0).points.size());
        QVERIFY(model.series(0).points.first().x() >= s * 1000.0 - 11000);
    }
    QCOMPARE(most, 12);
    QCOMPARE(model.series(0).points.last().x(), 999000.0);
}

void TestTelemetrySeriesModel::splitsAtGaps()
{
    // Prometheus down between 3 s and 8 s: no points there, and the line must not bridge the hole.
    const QList<QPointF> points{{1000, 1}, {2000, 1}, {3000, 1}, {8000, 1}, {9000, 1}};
    const auto segments = TelemetrySeriesModel::segments(points, 1000);
    QCOMPARE(segments.size(), 2);
    QCOMPARE(segments[0].size(), 3);
    QCOMPARE(segments[1].first().x(), 8000.0);
    QCOMPARE(TelemetrySeriesModel::segments({}, 1000).size(), 0);
}

QTEST_GUILESS_MAIN(TestTelemetrySeriesModel)
#include "tst_telemetryseriesmodel.moc"

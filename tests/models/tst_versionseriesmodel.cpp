// SPDX-License-Identifier: Apache-2.0
#include "models/telemetry/VersionSeriesModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

class TestVersionSeriesModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void backfillThenIncrements();
    void keepsOnlyTheWindow();
};

namespace {
VersionPoints points(const QString& service, std::initializer_list<std::pair<const char*, QList<QPointF>>> lines)
{
    VersionPoints p;
    p.service = service;
    for (const auto& [version, line] : lines)
        p.byVersion.insert(QString::fromUtf8(version), line);
    return p;
}
} // namespace

void TestVersionSeriesModel::backfillThenIncrements()
{
    VersionSeriesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy updates(&model, &VersionSeriesModel::pointsChanged);
    const QString reviews = QStringLiteral("reviews");
    model.addPoints(points(reviews, {{"v2", {{1000, 2}, {2000, 3}}}, {"v1", {{1000, 8}, {2000, 7}}}}), true);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.version(0), QStringLiteral("v1")); // sorted, whatever the arrival order
    QCOMPARE(model.points(1).size(), 2);

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.addPoints(points(reviews, {{"v1", {{3000, 6}}}, {"v3", {{3000, 1}}}}), false);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.points(0).size(), 3);
    QCOMPARE(model.index(0).data(VersionSeriesModel::LatestRateRole).toDouble(), 6.0);
    QCOMPARE(model.latestTime(), 3000.0);
    QCOMPARE(updates.count(), 2);

    // Another service's backfill replaces everything.
    model.addPoints(points(QStringLiteral("ratings"), {{"v1", {{5000, 1}}}}), true);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.service(), QStringLiteral("ratings"));
}

void TestVersionSeriesModel::keepsOnlyTheWindow()
{
    VersionSeriesModel model;
    model.setWindowSeconds(10);
    QList<QPointF> line;
    for (int s = 0; s < 100; ++s)
        line.append(QPointF(s * 1000.0, s));
    model.addPoints(points(QStringLiteral("reviews"), {{"v1", line}}), true);
    QCOMPARE(model.points(0).size(), 11); // 89 s .. 99 s
    QCOMPARE(model.points(0).first().x(), 89000.0);
    for (int s = 100; s < 200; ++s)
        model.addPoints(points(QStringLiteral("reviews"), {{"v1", {{s * 1000.0, double(s)}}}}), false);
    QCOMPARE(model.points(0).size(), 11);
}

QTEST_GUILESS_MAIN(TestVersionSeriesModel)
#include "tst_versionseriesmodel.moc"

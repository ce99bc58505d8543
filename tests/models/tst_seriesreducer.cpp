// SPDX-License-Identifier: Apache-2.0
#include "models/telemetry/SeriesReducer.h"

#include <QTest>

class TestSeriesReducer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsShortSeries();
    void keepsExtremesPerColumn();
};

void TestSeriesReducer::keepsShortSeries()
{
    const QList<QPointF> points{{0, 1}, {1, 2}, {2, 3}};
    QCOMPARE(SeriesReducer::reduce(points, 0, 3, 10), points);
}

void TestSeriesReducer::keepsExtremesPerColumn()
{
    // 3,600 points into 100 columns, with one spike that must survive the thinning.
    QList<QPointF> points;
    for (int i = 0; i < 3600; ++i)
        points.append(QPointF(i, i == 1234 ? 500.0 : double(i % 7)));
    const QList<QPointF> reduced = SeriesReducer::reduce(points, 0, 3600, 100);
    QVERIFY(reduced.size() <= 2 * 100 + 2);
    QVERIFY(std::any_of(reduced.cbegin(), reduced.cend(), [](const QPointF& p) { return p.y() == 500.0; }));
    QVERIFY(std::is_sorted(reduced.cbegin(), reduced.cend(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
    QCOMPARE(reduced.first().x(), 0.0);
    // The newest point is drawn even when it is neither its column's low nor its high.
    QCOMPARE(reduced.last(), points.last());
}

QTEST_GUILESS_MAIN(TestSeriesReducer)
#include "tst_seriesreducer.moc"

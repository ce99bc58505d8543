// SPDX-License-Identifier: Apache-2.0
#include "models/traffic/WritePacer.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

#include <algorithm>

// The pacer behind live slider drags: one write at a time, no more than 4 a second, the latest
// always written, the ones in between dropped.
class TestWritePacer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstWriteStartsAtOnce();
    void latestWaitingWriteReplacesTheOthers();
    void neverTwoAtOnce();
    void atMostFourASecondAndTheLastOneLands();
    void droppedWriteNeverStarts();
};

void TestWritePacer::firstWriteStartsAtOnce()
{
    WritePacer pacer;
    QList<int> written;
    QVERIFY(pacer.isIdle());
    pacer.submit([&] { written.append(1); });
    QCOMPARE(written, QList<int>{1});
    QVERIFY(!pacer.isIdle());
    pacer.writeFinished();
    QVERIFY(pacer.isIdle());
}

void TestWritePacer::latestWaitingWriteReplacesTheOthers()
{
    WritePacer pacer;
    QList<int> written;
    pacer.submit([&] { written.append(1); });
    for (int i = 2; i <= 5; ++i)
        pacer.submit([&, i] { written.append(i); });
    pacer.writeFinished();
    QTRY_COMPARE(written, (QList<int>{1, 5}));
}

void TestWritePacer::neverTwoAtOnce()
{
    WritePacer pacer;
    int running = 0;
    int most = 0;
    int done = 0;
    for (int i = 0; i < 5; ++i) {
        pacer.submit([&] {
            most = std::max(most, ++running);
            // The write answers later, as a server would.
            QTimer::singleShot(100, &pacer, [&] {
                --running;
                ++done;
                pacer.writeFinished();
            });
        });
        QTest::qWait(60);
    }
    QTRY_VERIFY(pacer.isIdle());
    QCOMPARE(most, 1);
    QVERIFY(done >= 2); // the first, then the latest
}

void TestWritePacer::atMostFourASecondAndTheLastOneLands()
{
    WritePacer pacer;
    QList<int> written;
    QElapsedTimer clock;
    clock.start();
    // A drag: 60 values over about 1.2 s, each write answered at once.
    for (int i = 1; i <= 60; ++i) {
        pacer.submit([&, i] {
            written.append(i);
            pacer.writeFinished();
        });
        QTest::qWait(20);
    }
    QTRY_VERIFY(pacer.isIdle());
    const double seconds = double(clock.elapsed()) / 1000;
    QCOMPARE(written.last(), 60);
    // The first write goes at once, then one per quarter second at most; a slow machine only writes less.
    QVERIFY2(written.size() <= 1 + int(seconds * WritePacer::MaxPerSecond) + 1,
             qPrintable(QStringLiteral("%1 writes in %2 s").arg(written.size()).arg(seconds)));
    QVERIFY(written.size() >= 2);
}

void TestWritePacer::droppedWriteNeverStarts()
{
    WritePacer pacer;
    QList<int> written;
    pacer.submit([&] { written.append(1); });
    pacer.submit([&] { written.append(2); });
    pacer.dropPending();
    pacer.writeFinished();
    QTest::qWait(400);
    QCOMPARE(written, QList<int>{1});
    QVERIFY(pacer.isIdle());
}

QTEST_GUILESS_MAIN(TestWritePacer)
#include "tst_writepacer.moc"

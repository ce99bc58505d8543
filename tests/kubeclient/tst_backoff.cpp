// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/Backoff.h"

#include <QTest>

#include <vector>

using kube::Backoff;
using namespace std::chrono_literals;

class TestBackoff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void scheduleWithoutJitterDoublesToTheCap();
    void jitterStretchesEachWaitByAFractionOfItself();
    void resetsAfterTwoMinutesWithoutAWait();
    void keepsGrowingWhileFailuresAreCloserThanTwoMinutes();
    void explicitReset();
    void realRandomStaysWithinBounds();
};

void TestBackoff::scheduleWithoutJitterDoublesToTheCap()
{
    Backoff backoff({}, [] { return 0.0; });
    auto now = Backoff::Clock::time_point{} + 1h;
    std::vector<long long> waits;
    for (int i = 0; i < 9; ++i) {
        waits.push_back(backoff.next(now).count());
        now += 1s;
    }
    // client-go's reflector: 800 ms doubling, capped at 30 s.
    QCOMPARE(waits, (std::vector<long long>{800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000}));
}

void TestBackoff::jitterStretchesEachWaitByAFractionOfItself()
{
    // jitter 1.0: base + random * base, so at the cap the waits lie in [30 s, 60 s).
    Backoff backoff({}, [] { return 0.5; });
    auto now = Backoff::Clock::time_point{} + 1h;
    std::vector<long long> waits;
    for (int i = 0; i < 8; ++i) {
        waits.push_back(backoff.next(now).count());
        now += 1s;
    }
    QCOMPARE(waits, (std::vector<long long>{1200, 2400, 4800, 9600, 19200, 38400, 45000, 45000}));
}

void TestBackoff::resetsAfterTwoMinutesWithoutAWait()
{
    Backoff backoff({}, [] { return 0.0; });
    auto now = Backoff::Clock::time_point{} + 1h;
    QCOMPARE(backoff.next(now).count(), 800LL);
    QCOMPARE(backoff.next(now + 1s).count(), 1600LL);
    QCOMPARE(backoff.next(now + 2s).count(), 3200LL);
    // Two minutes and a bit of health since the last wait: start over.
    QCOMPARE(backoff.next(now + 2s + 121s).count(), 800LL);
    QCOMPARE(backoff.next(now + 2s + 122s).count(), 1600LL);
}

void TestBackoff::keepsGrowingWhileFailuresAreCloserThanTwoMinutes()
{
    Backoff backoff({}, [] { return 0.0; });
    auto now = Backoff::Clock::time_point{} + 1h;
    QCOMPARE(backoff.next(now).count(), 800LL);
    QCOMPARE(backoff.next(now + 119s).count(), 1600LL);
    QCOMPARE(backoff.next(now + 238s).count(), 3200LL);
}

void TestBackoff::explicitReset()
{
    kube::BackoffSettings settings;
    settings.initial = 50ms;
    settings.cap = 200ms;
    Backoff backoff(settings, [] { return 0.0; });
    const auto now = Backoff::Clock::time_point{} + 1h;
    QCOMPARE(backoff.next(now).count(), 50LL);
    QCOMPARE(backoff.next(now).count(), 100LL);
    QCOMPARE(backoff.next(now).count(), 200LL);
    QCOMPARE(backoff.next(now).count(), 200LL);
    backoff.reset();
    QCOMPARE(backoff.next(now).count(), 50LL);
}

void TestBackoff::realRandomStaysWithinBounds()
{
    Backoff backoff;
    auto now = Backoff::Clock::time_point{} + 1h;
    long long base = 800;
    for (int i = 0; i < 12; ++i) {
        const long long wait = backoff.next(now).count();
        QVERIFY2(wait >= base && wait < 2 * base, qPrintable(QString::number(wait)));
        base = std::min(2 * base, 30000LL);
        now += 1s;
    }
}

QTEST_APPLESS_MAIN(TestBackoff)
#include "tst_backoff.moc"

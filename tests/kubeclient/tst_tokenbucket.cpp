// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/TokenBucket.h"

#include <QTest>

#include <vector>

using kube::TokenBucket;
using namespace std::chrono_literals;

class TestTokenBucket : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void burstThenQueuedAtTheRate();
    void refillsWithTimeUpToBurst();
    void zeroQpsIsUnlimited();
};

void TestTokenBucket::burstThenQueuedAtTheRate()
{
    // client-go's defaults: 10 at once, then one every 200 ms, each caller queued behind the last.
    TokenBucket bucket(5, 10);
    const auto now = TokenBucket::Clock::time_point{} + 1h;
    std::vector<long long> waits;
    for (int i = 0; i < 13; ++i)
        waits.push_back(bucket.reserve(now).count());
    QCOMPARE(waits, (std::vector<long long>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 400, 600}));
}

void TestTokenBucket::refillsWithTimeUpToBurst()
{
    TokenBucket bucket(5, 2);
    const auto start = TokenBucket::Clock::time_point{} + 1h;
    QCOMPARE(bucket.reserve(start).count(), 0LL);
    QCOMPARE(bucket.reserve(start).count(), 0LL);
    QCOMPARE(bucket.reserve(start).count(), 200LL);
    // 400 ms later the queued token has been used and one more has come.
    QCOMPARE(bucket.reserve(start + 400ms).count(), 0LL);
    QCOMPARE(bucket.reserve(start + 400ms).count(), 200LL);
    // An hour idle refills to the burst, not beyond.
    const auto later = start + 1h;
    QCOMPARE(bucket.reserve(later).count(), 0LL);
    QCOMPARE(bucket.reserve(later).count(), 0LL);
    QCOMPARE(bucket.reserve(later).count(), 200LL);
}

void TestTokenBucket::zeroQpsIsUnlimited()
{
    TokenBucket bucket(0, 1);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(bucket.reserve().count(), 0LL);
}

QTEST_APPLESS_MAIN(TestTokenBucket)
#include "tst_tokenbucket.moc"

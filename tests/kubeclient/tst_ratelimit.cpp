// SPDX-License-Identifier: Apache-2.0
// The client's consideration for the API server: the client-side rate limit (queued, never
// blocking the caller), 429 with Retry-After, and timers for backoffs.
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/KubeClient.h"

#include <httplib.h>

#include <QTest>

#include <atomic>
#include <mutex>
#include <optional>

using kube::ApiError;
using kube::JsonResult;
using kube::KubeClient;
using namespace std::chrono_literals;

namespace {

kube::ClusterConnection connectionTo(int port)
{
    kube::ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(port);
    return connection;
}

const char* TooMany = R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too many requests",)"
                      R"("reason":"TooManyRequests","code":429})";

struct Arrivals {
    std::mutex mutex;
    std::vector<std::chrono::steady_clock::time_point> times;
    void add()
    {
        std::lock_guard lock(mutex);
        times.push_back(std::chrono::steady_clock::now());
    }
    std::size_t count()
    {
        std::lock_guard lock(mutex);
        return times.size();
    }
};

long long millis(std::chrono::steady_clock::duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

} // namespace

class TestRateLimit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requestsOverTheLimitQueueWithoutBlocking();
    void cancelWhileQueuedSendsNothing();
    void tooManyRequestsRetriedOnceAfterRetryAfter();
    void tooManyRequestsTwiceReachesTheCaller();
    void retryAfterTooLongOrMissingIsNotRetried_data();
    void retryAfterTooLongOrMissingIsNotRetried();
    void timerRunsThroughTheExecutorAndCancels();
};

void TestRateLimit::requestsOverTheLimitQueueWithoutBlocking()
{
    Arrivals arrivals;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces", [&](const httplib::Request&, httplib::Response& response) {
        arrivals.add();
        response.set_content("{}", "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    // 10 a second after a burst of 2: the 6th request may start 400 ms after the first.
    KubeClient client(connectionTo(running.port()), queue.executor(), {10, 2});
    int answered = 0;
    const auto before = std::chrono::steady_clock::now();
    for (int i = 0; i < 6; ++i)
        client.get("/api/v1/namespaces", [&](JsonResult result) { answered += result.error.ok() ? 1 : 0; });
    const auto issuing = std::chrono::steady_clock::now() - before;
    QVERIFY2(issuing < 200ms, qPrintable(QString::number(millis(issuing)))); // queued, not waited for
    QVERIFY(queue.runUntil([&] { return answered == 6; }));
    std::lock_guard lock(arrivals.mutex);
    const auto spread = arrivals.times.back() - arrivals.times.front();
    QVERIFY2(spread >= 350ms, qPrintable(QString::number(millis(spread))));
}

void TestRateLimit::cancelWhileQueuedSendsNothing()
{
    Arrivals arrivals;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces", [&](const httplib::Request&, httplib::Response& response) {
        arrivals.add();
        response.set_content("{}", "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    KubeClient client(connectionTo(running.port()), queue.executor(), {2, 1});
    int answered = 0;
    bool cancelledCalled = false;
    client.get("/api/v1/namespaces", [&](JsonResult) { ++answered; });
    const auto queued = client.get("/api/v1/namespaces", [&](JsonResult) { cancelledCalled = true; });
    client.cancel(queued);
    client.get("/api/v1/namespaces", [&](JsonResult) { ++answered; });
    QVERIFY(queue.runUntil([&] { return answered == 2; }));
    queue.runUntil([] { return false; }, 200ms);
    QVERIFY(!cancelledCalled);
    QCOMPARE(arrivals.count(), std::size_t(2));
}

void TestRateLimit::tooManyRequestsRetriedOnceAfterRetryAfter()
{
    Arrivals arrivals;
    auto server = std::make_unique<httplib::Server>();
    server->Patch("/api/v1/namespaces/bookinfo/pods/p", [&](const httplib::Request& request, httplib::Response& response) {
        arrivals.add();
        if (arrivals.count() == 1) {
            response.status = 429;
            response.set_header("Retry-After", "1");
            response.set_content(TooMany, "application/json");
            return;
        }
        response.set_content(request.body, "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    KubeClient client(connectionTo(running.port()), queue.executor());
    std::optional<JsonResult> result;
    client.patch("/api/v1/namespaces/bookinfo/pods/p", kube::PatchType::Merge, R"({"metadata":{"labels":{"a":"b"}}})",
                 [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE(arrivals.count(), std::size_t(2));
    std::lock_guard lock(arrivals.mutex);
    const auto waited = arrivals.times[1] - arrivals.times[0];
    QVERIFY2(waited >= 950ms, qPrintable(QString::number(millis(waited))));
}

void TestRateLimit::tooManyRequestsTwiceReachesTheCaller()
{
    Arrivals arrivals;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/pods", [&](const httplib::Request&, httplib::Response& response) {
        arrivals.add();
        response.status = 429;
        response.set_header("Retry-After", "0");
        response.set_content(TooMany, "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    KubeClient client(connectionTo(running.port()), queue.executor());
    std::optional<JsonResult> result;
    client.get("/api/v1/pods", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QCOMPARE(result->error.httpStatus, 429L);
    QCOMPARE(result->error.reason, std::string("TooManyRequests"));
    QCOMPARE(result->error.retryAfterSeconds, 0L);
    QCOMPARE(arrivals.count(), std::size_t(2));
}

void TestRateLimit::retryAfterTooLongOrMissingIsNotRetried_data()
{
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<long>("expected");
    QTest::newRow("longer than the client waits") << QByteArray("120") << 120L;
    QTest::newRow("absent") << QByteArray() << -1L;
    QTest::newRow("HTTP-date form") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << -1L;
}

void TestRateLimit::retryAfterTooLongOrMissingIsNotRetried()
{
    QFETCH(QByteArray, retryAfter);
    QFETCH(long, expected);
    Arrivals arrivals;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/pods", [&](const httplib::Request&, httplib::Response& response) {
        arrivals.add();
        response.status = 429;
        if (!retryAfter.isEmpty())
            response.set_header("Retry-After", retryAfter.toStdString());
        response.set_content(TooMany, "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    KubeClient client(connectionTo(running.port()), queue.executor());
    std::optional<JsonResult> result;
    client.get("/api/v1/pods", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QCOMPARE(result->error.httpStatus, 429L);
    QCOMPARE(result->error.retryAfterSeconds, expected);
    QCOMPARE(arrivals.count(), std::size_t(1));
}

void TestRateLimit::timerRunsThroughTheExecutorAndCancels()
{
    TaskQueue queue;
    KubeClient client(connectionTo(1), queue.executor());
    bool ran = false;
    bool cancelledRan = false;
    const auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point ranAt;
    client.after(100ms, [&] {
        ran = true;
        ranAt = std::chrono::steady_clock::now();
    });
    const auto cancelled = client.after(50ms, [&] { cancelledRan = true; });
    client.cancel(cancelled);
    QVERIFY(queue.runUntil([&] { return ran; }));
    QVERIFY(ranAt - start >= 100ms);
    queue.runUntil([] { return false; }, 100ms);
    QVERIFY(!cancelledRan);
}

QTEST_APPLESS_MAIN(TestRateLimit)
#include "tst_ratelimit.moc"

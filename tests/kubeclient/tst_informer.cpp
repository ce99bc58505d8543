// SPDX-License-Identifier: Apache-2.0
#include "FakeApiServer.h"
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/Informer.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <map>
#include <optional>

using kube::Informer;
using kube::InformerCache;
using kube::KubeClient;
using kube::ObjectPtr;
using testserver::FakeApiServer;
using namespace std::chrono_literals;

namespace {

const std::string PodsPath = kube::kinds::Pods.collectionPath("bookinfo");

kube::ClusterConnection connectionTo(int port)
{
    kube::ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(port);
    connection.bearerToken = "test-token";
    return connection;
}

// Short backoffs keep the suite fast; the schedule itself is tst_backoff's.
kube::InformerOptions fastOptions()
{
    kube::InformerOptions options;
    options.backoff.initial = 50ms;
    options.backoff.cap = 400ms;
    options.backoff.jitter = 0.5;
    return options;
}

// What the callbacks said, replayed onto a model of the cache. Anything a correct informer never
// does (an add of a known key, an update that is no change or starts from a version other than the
// one reported last, a delete of an unknown key) is a violation.
struct Observer {
    std::map<std::string, std::string> model; // key -> resourceVersion
    std::vector<std::string> log;             // "+key@rv", "~key@rv", "-key"
    std::vector<std::string> violations;
    int synced = 0;
    std::vector<kube::ApiError> failures;

    Informer::Handlers handlers()
    {
        Informer::Handlers h;
        h.added = [this](const ObjectPtr& object) {
            const auto key = InformerCache::keyOf(*object);
            const auto version = InformerCache::resourceVersionOf(*object);
            if (model.count(key))
                violations.push_back("add of known " + key);
            model[key] = version;
            log.push_back("+" + key + "@" + version);
        };
        h.updated = [this](const ObjectPtr& previous, const ObjectPtr& current) {
            const auto key = InformerCache::keyOf(*current);
            const auto version = InformerCache::resourceVersionOf(*current);
            if (!model.count(key) || model[key] != InformerCache::resourceVersionOf(*previous))
                violations.push_back("update from an unknown state of " + key);
            if (model[key] == version)
                violations.push_back("update without change of " + key);
            model[key] = version;
            log.push_back("~" + key + "@" + version);
        };
        h.deleted = [this](const ObjectPtr& object) {
            const auto key = InformerCache::keyOf(*object);
            if (!model.erase(key))
                violations.push_back("delete of unknown " + key);
            log.push_back("-" + key);
        };
        h.synced = [this] { ++synced; };
        h.failed = [this](const kube::ApiError& error) { failures.push_back(error); };
        return h;
    }

    std::string logSince(std::size_t from) const
    {
        std::string out;
        for (std::size_t i = from; i < log.size(); ++i)
            out += log[i] + " ";
        return out;
    }
};

std::map<std::string, std::string> cacheState(const Informer& informer)
{
    std::map<std::string, std::string> out;
    for (const auto& object : informer.cache().items())
        out[InformerCache::keyOf(*object)] = InformerCache::resourceVersionOf(*object);
    return out;
}

int countRequests(const FakeApiServer& server, bool watches)
{
    int count = 0;
    for (const auto& request : server.requests())
        count += request.watch() == watches ? 1 : 0;
    return count;
}

} // namespace

class TestInformer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsInPagesThenWatches();
    void eventsSplitAcrossChunks();
    void expiredContinueFallsBackToOneFullList();
    void goneRelistReportsOnlyTheGap_data();
    void goneRelistReportsOnlyTheGap();
    void serverRestartedOnTheSamePort_data();
    void serverRestartedOnTheSamePort();
    void bookmarksMoveTheResumePoint();
    void replayedEventsAreDropped();
    void tooManyRequestsWaitsForRetryAfter();
    void stopSilencesAndStartCatchesUp();
    void defaultRateLimitStillSyncs();
    void transformKeepsWhatItReturns();
};

void TestInformer::listsInPagesThenWatches()
{
    FakeApiServer server;
    for (int i = 0; i < 1200; ++i)
        server.put("bookinfo", "pod-" + std::to_string(10000 + i));
    server.put("other", "elsewhere");
    QVERIFY(server.start());
    const std::string listVersion = server.version();

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    QCOMPARE(observer.log.size(), std::size_t(1200));
    QCOMPARE(informer.cache().size(), std::size_t(1200));
    QVERIFY(informer.hasSynced());

    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t(4));
    QCOMPARE(requests[0].param("resourceVersion"), std::string("0"));
    QCOMPARE(requests[0].param("limit"), std::string("500"));
    for (int page : {1, 2}) {
        QVERIFY(!requests[page].param("continue").empty());
        QCOMPARE(requests[page].param("limit"), std::string("500"));
        QVERIFY(!requests[page].params.count("resourceVersion"));
    }
    const auto& watch = requests[3];
    QCOMPARE(watch.param("watch"), std::string("true"));
    QCOMPARE(watch.param("allowWatchBookmarks"), std::string("true"));
    QCOMPARE(watch.param("resourceVersion"), listVersion);
    const int timeout = std::stoi(watch.param("timeoutSeconds"));
    QVERIFY2(timeout >= 300 && timeout < 600, qPrintable(QString::number(timeout)));

    const std::size_t before = observer.log.size();
    const std::string modified = server.put("bookinfo", "pod-10007", 1);
    server.erase("bookinfo", "pod-10008");
    server.put("other", "elsewhere", 2); // not in this collection
    QVERIFY(queue.runUntil([&] { return observer.log.size() == before + 2; }));
    QCOMPARE(observer.logSince(before), "~bookinfo/pod-10007@" + modified + " -bookinfo/pod-10008 ");
    // The deletion's version, not that of the change in another namespace.
    QCOMPARE(informer.lastResourceVersion(), std::to_string(std::stol(modified) + 1));
    QVERIFY(observer.violations.empty());
    QCOMPARE(observer.synced, 1);
}

void TestInformer::eventsSplitAcrossChunks()
{
    FakeApiServer server;
    server.put("bookinfo", "a");
    QVERIFY(server.start());
    server.setKnobs([](FakeApiServer::Knobs& knobs) { knobs.chunkSize = 7; });

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));

    std::string expected;
    for (int i = 1; i <= 30; ++i) {
        const std::string name = "p" + std::to_string(i % 7);
        const bool known = observer.model.count("bookinfo/" + name) || expected.find(name + "@") != std::string::npos;
        const std::string version = server.put("bookinfo", name, i);
        expected += (known ? "~bookinfo/" : "+bookinfo/") + name + "@" + version + " ";
    }
    QVERIFY(queue.runUntil([&] { return observer.log.size() == 31; }, 20s));
    QCOMPARE(observer.logSince(1), expected);
    QVERIFY(observer.violations.empty());
    QCOMPARE(cacheState(informer), server.state("bookinfo"));
    QCOMPARE(countRequests(server, true), 1);
}

void TestInformer::expiredContinueFallsBackToOneFullList()
{
    FakeApiServer server;
    for (int i = 0; i < 1100; ++i)
        server.put("bookinfo", "pod-" + std::to_string(10000 + i));
    server.setKnobs([](FakeApiServer::Knobs& knobs) { knobs.expireContinue = true; });
    QVERIFY(server.start());

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1; }));
    QCOMPARE(observer.log.size(), std::size_t(1100));
    QVERIFY(observer.violations.empty());

    const auto requests = server.requests();
    QVERIFY(requests.size() >= 3);
    QVERIFY(!requests[1].param("continue").empty()); // answered 410
    QVERIFY(!requests[2].watch());
    QVERIFY(!requests[2].params.count("limit"));
    QVERIFY(!requests[2].params.count("continue"));
    QVERIFY(!requests[2].params.count("resourceVersion")); // the latest state
}

void TestInformer::goneRelistReportsOnlyTheGap_data()
{
    QTest::addColumn<bool>("asErrorEvent");
    QTest::newRow("410 when the watch resumes") << false;
    QTest::newRow("ERROR event in the open watch") << true;
}

void TestInformer::goneRelistReportsOnlyTheGap()
{
    QFETCH(bool, asErrorEvent);
    FakeApiServer server;
    server.put("bookinfo", "a");
    server.put("bookinfo", "b");
    server.put("bookinfo", "c");
    QVERIFY(server.start());

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    const std::size_t before = observer.log.size();

    // The watch falls behind while a is deleted, b changes twice and d appears; the history of those
    // changes is then compacted away, so the informer can only learn of them by listing again.
    server.setKnobs([](FakeApiServer::Knobs& knobs) { knobs.hold = true; });
    server.erase("bookinfo", "a");
    server.put("bookinfo", "b", 1);
    const std::string b = server.put("bookinfo", "b", 2);
    const std::string d = server.put("bookinfo", "d");
    server.compact();
    server.setKnobs([](FakeApiServer::Knobs& knobs) { knobs.hold = false; });
    if (asErrorEvent)
        server.expireWatches();
    else
        server.endWatches();

    QVERIFY(queue.runUntil([&] { return cacheState(informer) == server.state("bookinfo") && server.openWatches() == 1; }));
    QCOMPARE(observer.logSince(before), "-bookinfo/a ~bookinfo/b@" + b + " +bookinfo/d@" + d + " ");
    QVERIFY(observer.violations.empty());
    QCOMPARE(observer.model, server.state("bookinfo"));
    QCOMPARE(observer.synced, 1);
    QVERIFY(!observer.failures.empty());
    QCOMPARE(observer.failures.back().httpStatus, 410L);
    // The relist asked for the latest state, not the server's cache.
    const auto requests = server.requests();
    const auto relist = std::find_if(requests.begin() + 1, requests.end(), [](const auto& r) { return !r.watch(); });
    QVERIFY(relist != requests.end());
    QVERIFY(!relist->params.count("resourceVersion"));

    // And the new watch works.
    const std::string e = server.put("bookinfo", "e");
    QVERIFY(queue.runUntil([&] { return observer.model.count("bookinfo/e") > 0; }));
    QCOMPARE(observer.model["bookinfo/e"], e);
}

void TestInformer::serverRestartedOnTheSamePort_data()
{
    QTest::addColumn<bool>("compacted");
    QTest::addColumn<QByteArray>("expected");
    // With its history the server replays every change; without it the relist reports the net change.
    QTest::newRow("history kept: watch resumes") << false << QByteArray("~a@103 -b +c@105 +d@106 ~d@107 ");
    QTest::newRow("history compacted: relist") << true << QByteArray("~a@103 -b +c@105 +d@107 ");
}

void TestInformer::serverRestartedOnTheSamePort()
{
    QFETCH(bool, compacted);
    QFETCH(QByteArray, expected);

    FakeApiServer server; // versions start at 101
    server.put("bookinfo", "a");
    server.put("bookinfo", "b");
    QVERIFY(server.start());
    const int port = server.port();

    TaskQueue queue;
    KubeClient client(connectionTo(port), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    const std::size_t before = observer.log.size();

    server.stop();
    // Let the informer notice and fail to reconnect at least once.
    QVERIFY(queue.runUntil([&] { return !observer.failures.empty(); }));
    queue.runUntil([] { return false; }, 300ms);
    server.put("bookinfo", "a", 1);
    server.erase("bookinfo", "b");
    server.put("bookinfo", "c");
    server.put("bookinfo", "d");
    server.put("bookinfo", "d", 1);
    if (compacted)
        server.compact();
    QVERIFY(server.start(port));

    QVERIFY(queue.runUntil([&] { return cacheState(informer) == server.state("bookinfo") && server.openWatches() == 1; }, 20s));
    std::string log = observer.logSince(before);
    std::string withoutNamespace;
    for (std::size_t at = 0; at < log.size();) {
        if (log.compare(at, 9, "bookinfo/") == 0)
            at += 9;
        else
            withoutNamespace += log[at++];
    }
    QCOMPARE(withoutNamespace, str(expected));
    QVERIFY(observer.violations.empty());
    QCOMPARE(observer.model, server.state("bookinfo"));

    const std::string f = server.put("bookinfo", "f");
    QVERIFY(queue.runUntil([&] { return observer.model.count("bookinfo/f") > 0; }));
    QCOMPARE(observer.model, server.state("bookinfo"));
    QVERIFY(observer.violations.empty());
}

void TestInformer::bookmarksMoveTheResumePoint()
{
    FakeApiServer server;
    server.put("bookinfo", "a");
    QVERIFY(server.start());

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));

    // Changes elsewhere move the version on without an event for this watch; the bookmark says so.
    server.put("other", "x");
    const std::string latest = server.put("other", "y");
    server.sendBookmark();
    QVERIFY(queue.runUntil([&] { return informer.lastResourceVersion() == latest; }));
    // History up to the bookmark is gone: only a watch resumed from the bookmark avoids a relist.
    server.compact();
    server.endWatches();
    QVERIFY(queue.runUntil([&] { return countRequests(server, true) == 2 && server.openWatches() == 1; }));
    const auto requests = server.requests();
    QCOMPARE(requests.back().param("resourceVersion"), latest);
    QCOMPARE(countRequests(server, false), 1);
    QCOMPARE(observer.log.size(), std::size_t(1));
    QVERIFY(observer.failures.empty());
}

void TestInformer::replayedEventsAreDropped()
{
    FakeApiServer server;
    server.put("bookinfo", "a");
    QVERIFY(server.start());
    const std::string listVersion = server.version();

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    server.put("bookinfo", "a", 1);
    server.put("bookinfo", "b");
    QVERIFY(queue.runUntil([&] { return observer.log.size() == 3; }));

    // A server (or proxy) that replays from an older version on the next watch.
    server.setKnobs([&](FakeApiServer::Knobs& knobs) { knobs.replayFrom = listVersion; });
    server.endWatches();
    QVERIFY(queue.runUntil([&] { return countRequests(server, true) == 2 && server.openWatches() == 1; }));
    const std::string c = server.put("bookinfo", "c");
    QVERIFY(queue.runUntil([&] { return observer.model.count("bookinfo/c") > 0; }));
    QCOMPARE(observer.log.size(), std::size_t(4));
    QCOMPARE(observer.log.back(), "+bookinfo/c@" + c);
    QVERIFY(observer.violations.empty());
}

void TestInformer::tooManyRequestsWaitsForRetryAfter()
{
    FakeApiServer server;
    server.put("bookinfo", "a");
    QVERIFY(server.start());

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));

    server.setKnobs([](FakeApiServer::Knobs& knobs) { knobs.tooManyWatches = 1; });
    server.endWatches();
    QVERIFY(queue.runUntil([&] { return countRequests(server, true) == 3 && server.openWatches() == 1; }));
    const auto requests = server.requests();
    // The backoff here is at most 75 ms; the wait is the server's Retry-After of one second.
    const auto waited = requests[3].at - requests[2].at;
    QVERIFY2(waited >= 950ms, qPrintable(QString::number(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count())));
    // (A watch that ends within a second without an event is itself a failure, as in client-go.)
    QVERIFY(!observer.failures.empty());
    QCOMPARE(observer.failures.back().httpStatus, 429L);
    QCOMPARE(observer.failures.back().retryAfterSeconds, 1L);
    QCOMPARE(countRequests(server, false), 1); // a 429 is no reason to list again
}

void TestInformer::stopSilencesAndStartCatchesUp()
{
    FakeApiServer server;
    server.put("bookinfo", "a");
    server.put("bookinfo", "b");
    QVERIFY(server.start());

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    informer.stop();
    const std::string a = server.put("bookinfo", "a", 1);
    server.erase("bookinfo", "b");
    queue.runUntil([] { return false; }, 300ms);
    QCOMPARE(observer.log.size(), std::size_t(2));

    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.log.size() == 4 && server.openWatches() == 1; }));
    QCOMPARE(observer.logSince(2), "~bookinfo/a@" + a + " -bookinfo/b ");
    QVERIFY(observer.violations.empty());
    QCOMPARE(observer.synced, 1);
    // The relist asked for nothing older than what the cache had.
    const auto requests = server.requests();
    const auto& relist = *std::find_if(requests.rbegin(), requests.rend(), [](const auto& r) { return !r.watch(); });
    QCOMPARE(relist.param("resourceVersionMatch"), std::string("NotOlderThan"));
}

void TestInformer::defaultRateLimitStillSyncs()
{
    // client-go's 5 QPS / burst 10: a list of three pages and a watch fit in the burst.
    FakeApiServer server;
    for (int i = 0; i < 1200; ++i)
        server.put("bookinfo", "pod-" + std::to_string(10000 + i));
    QVERIFY(server.start());
    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor());
    Observer observer;
    Informer informer(client, PodsPath, observer.handlers(), fastOptions());
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    QCOMPARE(informer.cache().size(), std::size_t(1200));
}

void TestInformer::transformKeepsWhatItReturns()
{
    FakeApiServer server;
    server.put("bookinfo", "a", 1);
    server.put("bookinfo", "b", 2);
    QVERIFY(server.start());

    TaskQueue queue;
    KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    Observer observer;
    std::vector<std::string> delivered; // what the handlers were given: "key value"
    Informer::Handlers handlers = observer.handlers();
    handlers.added = [&, added = handlers.added](const ObjectPtr& object) {
        delivered.push_back(InformerCache::keyOf(*object) + " " + object->at("value").dump());
        added(object);
    };
    handlers.updated = [&, updated = handlers.updated](const ObjectPtr& previous, const ObjectPtr& current) {
        delivered.push_back(InformerCache::keyOf(*current) + " " + current->at("value").dump());
        updated(previous, current);
    };
    int listed = 0;
    handlers.listed = [&] { ++listed; };
    kube::InformerOptions options = fastOptions();
    int transformed = 0;
    // Keeps what the cache keys on and the one field read, moved up: nothing else of the object.
    options.transform = [&](const ObjectPtr& object) {
        ++transformed;
        const nlohmann::json& metadata = object->at("metadata");
        return std::make_shared<const nlohmann::json>(nlohmann::json{
            {"metadata",
             {{"name", metadata.at("name")}, {"namespace", metadata.at("namespace")}, {"resourceVersion", metadata.at("resourceVersion")}}},
            {"value", object->at("spec").at("value")}});
    };
    Informer informer(client, PodsPath, handlers, options);
    informer.start();
    QVERIFY(queue.runUntil([&] { return observer.synced == 1 && server.openWatches() == 1; }));
    QCOMPARE(listed, 1);
    QCOMPARE(transformed, 2);

    server.put("bookinfo", "a", 10);
    server.put("bookinfo", "c", 3);
    server.erase("bookinfo", "b");
    QVERIFY(queue.runUntil([&] { return observer.log.size() == 5; }));
    QCOMPARE(transformed, 5); // the deletion's object too
    const std::vector<std::string> expected{"bookinfo/a 1", "bookinfo/b 2", "bookinfo/a 10", "bookinfo/c 3"};
    QCOMPARE(delivered, expected);
    for (const ObjectPtr& object : informer.cache().items()) {
        QVERIFY2(!object->contains("spec") && !object->contains("kind"), object->dump().c_str());
        QCOMPARE(object->size(), std::size_t(2));
    }
    QCOMPARE(cacheState(informer), server.state("bookinfo"));
    // The changes came by watch: one list, the first.
    QCOMPARE(informer.listCount(), 1);
    QCOMPARE(listed, 1);
    QVERIFY(observer.violations.empty());
}

QTEST_APPLESS_MAIN(TestInformer)
#include "tst_informer.moc"

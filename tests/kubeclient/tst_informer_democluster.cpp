// SPDX-License-Identifier: Apache-2.0
// The informer against the real demo cluster binary (TLS, bearer token, its watch): with the real
// kubectl making the change (what an operator's concurrent edit looks like to MeshDeck), and across
// the API server going away and coming back, with and without its watch window moving past the
// informer's resume point.
#include "DemoClusterProcess.h"
#include "TcpRelay.h"
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/Informer.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QTest>

#include <map>
#include <optional>

using kube::InformerCache;
using kube::ObjectPtr;
using namespace std::chrono_literals;

namespace {
const QString Kubectl = QStringLiteral("/usr/bin/kubectl");
const kube::ResourceKind ConfigMaps{"", "v1", "configmaps"};
const std::string Namespace = "default";
const std::string TestLabel = "meshdeck-test=restart";

kube::ClusterConnection adminConnection(const DemoClusterProcess& cluster)
{
    auto connection = cluster.connection();
    if (!std::holds_alternative<kube::ClusterConnection>(connection))
        qFatal("no connection: %s", std::get<kube::KubeconfigError>(connection).message.c_str());
    return std::get<kube::ClusterConnection>(connection);
}

std::string configMap(const std::string& name, const std::string& value)
{
    return nlohmann::json{{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", name}, {"labels", {{"meshdeck-test", "restart"}}}}},
                          {"data", {{"value", value}}}}
        .dump();
}

// Checks every callback against what the callbacks said before: an add only for an unknown key,
// an update only from the version last reported and to a different one, a delete only of a known
// key. What the callbacks describe must end up equal to the cache and to a fresh LIST.
class CallbackLog {
public:
    kube::Informer::Handlers handlers()
    {
        kube::Informer::Handlers handlers;
        handlers.added = [this](const ObjectPtr& object) {
            const auto key = InformerCache::keyOf(*object);
            if (m_state.contains(key))
                m_problems.push_back("added twice: " + key);
            m_state[key] = InformerCache::resourceVersionOf(*object);
            m_log.push_back("added " + key);
        };
        handlers.updated = [this](const ObjectPtr& previous, const ObjectPtr& current) {
            const auto key = InformerCache::keyOf(*current);
            const auto known = m_state.find(key);
            if (known == m_state.end())
                m_problems.push_back("update of an object never added: " + key);
            else if (known->second != InformerCache::resourceVersionOf(*previous))
                m_problems.push_back("update from a version never reported: " + key);
            if (InformerCache::resourceVersionOf(*previous) == InformerCache::resourceVersionOf(*current))
                m_problems.push_back("duplicate update: " + key);
            m_state[key] = InformerCache::resourceVersionOf(*current);
            m_log.push_back("updated " + key);
        };
        handlers.deleted = [this](const ObjectPtr& lastKnown) {
            const auto key = InformerCache::keyOf(*lastKnown);
            if (m_state.erase(key) == 0)
                m_problems.push_back("delete of an unknown object: " + key);
            m_log.push_back("deleted " + key);
        };
        handlers.synced = [this] { m_synced = true; };
        handlers.failed = [this](const kube::ApiError& error) { m_failures.push_back(error); };
        return handlers;
    }

    bool synced() const { return m_synced; }
    const std::vector<std::string>& problems() const { return m_problems; }
    const std::map<std::string, std::string>& state() const { return m_state; }
    const std::vector<kube::ApiError>& failures() const { return m_failures; }
    // The callbacks since the last call, sorted (a relist reports in key order, a watch in event order).
    std::vector<std::string> takeLog()
    {
        std::vector<std::string> log;
        log.swap(m_log);
        std::sort(log.begin(), log.end());
        return log;
    }

private:
    std::map<std::string, std::string> m_state; // key -> resourceVersion, as the callbacks told it
    std::vector<std::string> m_log;
    std::vector<std::string> m_problems;
    std::vector<kube::ApiError> m_failures;
    bool m_synced = false;
};

std::map<std::string, std::string> versions(const std::vector<ObjectPtr>& objects)
{
    std::map<std::string, std::string> out;
    for (const auto& object : objects)
        out[InformerCache::keyOf(*object)] = InformerCache::resourceVersionOf(*object);
    return out;
}

// Sends requests with a bounded number in flight and waits for all of them; false on any error.
bool sendAll(TaskQueue& queue, int count,
             const std::function<kube::RequestId(int, kube::JsonCallback)>& send, std::string& error)
{
    constexpr int MaxInFlight = 16;
    int next = 0;
    int done = 0;
    int inFlight = 0;
    const auto refill = [&] {
        while (inFlight < MaxInFlight && next < count) {
            ++inFlight;
            send(next++, [&](const kube::JsonResult& result) {
                --inFlight;
                ++done;
                if (result.error && error.empty())
                    error = result.error.describe();
            });
        }
    };
    refill();
    const bool finished = queue.runUntil(
        [&] {
            refill();
            return done == count || !error.empty();
        },
        std::chrono::seconds(120));
    return finished && error.empty();
}
} // namespace

class TestInformerDemoCluster : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seesKubectlPatch();
    void resumesAfterServerRestart();
    void relistsWhenTheResumePointExpired();

private:
    // An informer of the test's ConfigMaps, talking to the demo cluster through a relay that stands
    // for the API server going away, and a client of its own for the changes.
    struct Fixture {
        DemoClusterProcess cluster;
        std::unique_ptr<TcpRelay> relay;
        TaskQueue queue;
        std::unique_ptr<kube::KubeClient> writer;
        std::unique_ptr<kube::KubeClient> reader;
        CallbackLog log;
        std::unique_ptr<kube::Informer> informer;
    };
    bool setUp(Fixture& fixture);
    std::string create(Fixture& fixture, int from, int to);
    // The informer's cache, its callbacks and a fresh LIST agree, and no callback misbehaved.
    void checkConsistent(Fixture& fixture);
};

void TestInformerDemoCluster::seesKubectlPatch()
{
    if (!QFile::exists(Kubectl))
        QSKIP("kubectl is not installed (/usr/bin/kubectl)");
    DemoClusterProcess cluster;
    QVERIFY2(cluster.start(), qPrintable(cluster.errorString()));

    auto connection = cluster.connection();
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));

    TaskQueue queue;
    kube::KubeClient client(std::get<kube::ClusterConnection>(connection), queue.executor());
    bool synced = false;
    std::vector<std::string> updates;
    std::optional<kube::ApiError> failure;
    kube::Informer::Handlers handlers;
    handlers.synced = [&] { synced = true; };
    handlers.updated = [&](const ObjectPtr&, const ObjectPtr& current) {
        const auto labels = current->value("/metadata/labels"_json_pointer, nlohmann::json::object());
        updates.push_back(InformerCache::keyOf(*current) + " " + labels.value("meshdeck-test", ""));
    };
    handlers.failed = [&](const kube::ApiError& error) { failure = error; };
    kube::Informer informer(client, kube::kinds::VirtualServices.collectionPath("bookinfo"), handlers);
    informer.start();
    QVERIFY(queue.runUntil([&] { return synced; }, 20s));
    QVERIFY(informer.cache().get("bookinfo/reviews"));
    const std::string before = InformerCache::resourceVersionOf(*informer.cache().get("bookinfo/reviews"));

    QProcess kubectl;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KUBECACHEDIR"), cluster.workDir() + QStringLiteral("/kubecache"));
    environment.insert(QStringLiteral("HOME"), cluster.workDir());
    environment.remove(QStringLiteral("KUBECONFIG"));
    kubectl.setProcessEnvironment(environment);
    kubectl.start(Kubectl, {QStringLiteral("--kubeconfig"), cluster.kubeconfigPath(), QStringLiteral("patch"),
                            QStringLiteral("virtualservice"), QStringLiteral("reviews"), QStringLiteral("-n"),
                            QStringLiteral("bookinfo"), QStringLiteral("--type"), QStringLiteral("merge"),
                            QStringLiteral("-p"), QStringLiteral(R"({"metadata":{"labels":{"meshdeck-test":"patched"}}})")});
    QVERIFY(kubectl.waitForFinished(60000));
    QVERIFY2(kubectl.exitCode() == 0, kubectl.readAllStandardError().constData());

    QVERIFY2(queue.runUntil([&] { return !updates.empty(); }, 20s),
             failure ? failure->describe().c_str() : "no update and no failure");
    QCOMPARE(updates, std::vector<std::string>{"bookinfo/reviews patched"});
    QVERIFY(InformerCache::resourceVersionOf(*informer.cache().get("bookinfo/reviews")) != before);
}

bool TestInformerDemoCluster::setUp(Fixture& f)
{
    if (!f.cluster.start()) {
        qWarning("%s", qPrintable(f.cluster.errorString()));
        return false;
    }
    kube::ClusterConnection connection = adminConnection(f.cluster);
    const int serverPort = std::stoi(connection.server.substr(connection.server.rfind(':') + 1));
    f.relay = std::make_unique<TcpRelay>(serverPort);
    if (!f.relay->start())
        return false;
    // No client-side rate limit for the test's own writes: thousands of them move the watch window.
    f.writer = std::make_unique<kube::KubeClient>(connection, f.queue.executor(), kube::ClientOptions{0, 1});
    connection.server = "https://127.0.0.1:" + std::to_string(f.relay->port());
    f.reader = std::make_unique<kube::KubeClient>(connection, f.queue.executor());
    kube::InformerOptions options;
    options.labelSelector = TestLabel;
    options.pageSize = 4; // several pages, so relists page too
    // client-go's schedule (tst_backoff checks it) with a lower cap, so that after a long outage the
    // test does not wait out a 30 to 60 s pause.
    options.backoff.cap = std::chrono::seconds(4);
    f.informer = std::make_unique<kube::Informer>(*f.reader, ConfigMaps.collectionPath(Namespace), f.log.handlers(), options);
    return true;
}

std::string TestInformerDemoCluster::create(Fixture& f, int from, int to)
{
    std::string error;
    sendAll(f.queue, to - from, [&](int i, kube::JsonCallback done) {
        return f.writer->create(ConfigMaps.collectionPath(Namespace), configMap("cm-" + std::to_string(from + i), "0"), done);
    }, error);
    return error;
}

void TestInformerDemoCluster::checkConsistent(Fixture& f)
{
    std::optional<kube::ListResult> fresh;
    f.writer->list(ConfigMaps.collectionPath(Namespace) + "?labelSelector=meshdeck-test%3Drestart",
                   [&](kube::ListResult result) { fresh = std::move(result); });
    QVERIFY(f.queue.runUntil([&] { return fresh.has_value(); }));
    QVERIFY2(fresh->error.ok(), fresh->error.describe().c_str());
    const auto listed = versions(fresh->items);
    // The informer may still be catching up with the last writes: wait for it, then compare.
    f.queue.runUntil([&] { return versions(f.informer->cache().items()) == listed; }, 60s);
    QCOMPARE(versions(f.informer->cache().items()), listed);
    QCOMPARE(f.log.state(), listed);
    QCOMPARE(f.log.problems(), std::vector<std::string>{});
}

void TestInformerDemoCluster::resumesAfterServerRestart()
{
    Fixture f;
    QVERIFY(setUp(f));
    QCOMPARE(create(f, 0, 10), std::string());
    f.informer->start();
    QVERIFY(f.queue.runUntil([&] { return f.log.synced(); }, 20s));
    QCOMPARE(f.informer->cache().size(), std::size_t(10));
    f.log.takeLog();

    // The server goes away: the watch breaks, reconnects are refused and backed off.
    f.relay->stop();
    QVERIFY(f.queue.runUntil([&] { return f.log.failures().size() >= 2; }, 30s));
    for (const auto& failure : f.log.failures())
        QVERIFY2(failure.kind == kube::ApiError::Kind::Transport, failure.describe().c_str());

    // What happens meanwhile: changes, deletions and new objects.
    std::string error;
    QVERIFY(sendAll(f.queue, 3, [&](int i, kube::JsonCallback done) {
        return f.writer->patch(ConfigMaps.objectPath(Namespace, "cm-" + std::to_string(i)), kube::PatchType::Merge,
                               R"({"data":{"value":"changed"}})", done);
    }, error));
    QVERIFY2(sendAll(f.queue, 2, [&](int i, kube::JsonCallback done) {
        return f.writer->remove(ConfigMaps.objectPath(Namespace, "cm-" + std::to_string(3 + i)), done);
    }, error), error.c_str());
    QCOMPARE(create(f, 10, 12), std::string());

    QVERIFY(f.relay->start());
    checkConsistent(f);
    if (QTest::currentTestFailed())
        return;
    // Everything that happened while it was down, each exactly once, from the resumed watch.
    QCOMPARE(f.log.takeLog(), (std::vector<std::string>{"added default/cm-10", "added default/cm-11",
                                                        "deleted default/cm-3", "deleted default/cm-4",
                                                        "updated default/cm-0", "updated default/cm-1",
                                                        "updated default/cm-2"}));
    const auto cm0 = f.informer->cache().get("default/cm-0");
    QVERIFY(cm0);
    QCOMPARE((*cm0)["data"]["value"].get<std::string>(), std::string("changed"));
}

void TestInformerDemoCluster::relistsWhenTheResumePointExpired()
{
    Fixture f;
    QVERIFY(setUp(f));
    QCOMPARE(create(f, 0, 10), std::string());
    f.informer->start();
    QVERIFY(f.queue.runUntil([&] { return f.log.synced(); }, 20s));
    f.log.takeLog();

    f.relay->stop();
    // More writes than the server's watch window holds (10,000 events, as kube-apiserver's watch
    // cache is bounded too): the informer's resume point is gone when it comes back.
    std::string error;
    constexpr int Writes = 10100;
    QVERIFY2(sendAll(f.queue, Writes, [&](int i, kube::JsonCallback done) {
        const std::string body = R"({"data":{"value":")" + std::to_string(i) + R"("}})";
        return f.writer->patch(ConfigMaps.objectPath(Namespace, "cm-" + std::to_string(i % 5)), kube::PatchType::Merge,
                               body, done);
    }, error), error.c_str());
    QVERIFY2(sendAll(f.queue, 3, [&](int i, kube::JsonCallback done) {
        return f.writer->remove(ConfigMaps.objectPath(Namespace, "cm-" + std::to_string(7 + i)), done);
    }, error), error.c_str());
    QCOMPARE(create(f, 20, 22), std::string());

    QVERIFY(f.relay->start());
    checkConsistent(f);
    if (QTest::currentTestFailed())
        return;
    // The relist reports the net change once per object, not the thousands of events in between.
    QCOMPARE(f.log.takeLog(), (std::vector<std::string>{"added default/cm-20", "added default/cm-21",
                                                        "deleted default/cm-7", "deleted default/cm-8",
                                                        "deleted default/cm-9", "updated default/cm-0",
                                                        "updated default/cm-1", "updated default/cm-2",
                                                        "updated default/cm-3", "updated default/cm-4"}));
    const bool sawExpired = std::any_of(f.log.failures().begin(), f.log.failures().end(), [](const kube::ApiError& e) {
        return e.httpStatus == 410 || e.reason == "Expired";
    });
    QVERIFY2(sawExpired, "the watch resumed without a 410 / Expired: the window did not move");
}

QTEST_APPLESS_MAIN(TestInformerDemoCluster)
#include "tst_informer_democluster.moc"

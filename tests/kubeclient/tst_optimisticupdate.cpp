// SPDX-License-Identifier: Apache-2.0
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/OptimisticUpdate.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QTest>

#include <mutex>
#include <optional>

using kube::EditVerdict;
using kube::OptimisticUpdate;
using kube::UpdateResult;
using kube::WriteMethod;
using nlohmann::json;

Q_DECLARE_METATYPE(kube::WriteMethod)

namespace {

const std::string Path = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews";

// One VirtualService with the API server's optimistic concurrency for PUT, merge patch and JSON
// Patch, and a "colleague" who changes it right after each of the next `interferences` reads.
class ObjectServer {
public:
    ObjectServer()
    {
        m_object = json::parse(R"({"apiVersion":"networking.istio.io/v1","kind":"VirtualService",
            "metadata":{"name":"reviews","namespace":"bookinfo","resourceVersion":"7","annotations":{"keep":"me"}},
            "spec":{"hosts":["reviews"],"x-unknown":{"kept":true},
                    "http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":100}]}]}})");
        auto server = std::make_unique<httplib::Server>();
        server->Get(Path, [this](const httplib::Request&, httplib::Response& response) {
            std::lock_guard lock(m_mutex);
            ++m_reads;
            response.set_content(m_object.dump(), "application/json");
            if (m_interferences > 0) {
                --m_interferences;
                bump([](json& object) { object["metadata"]["labels"]["colleague"] = "was here"; });
            }
        });
        server->Put(Path, [this](const httplib::Request& request, httplib::Response& response) {
            write(response, request.body, [&](json& object) {
                const json body = json::parse(request.body);
                if (body["metadata"]["resourceVersion"] != object["metadata"]["resourceVersion"])
                    return false;
                object = body;
                return true;
            });
        });
        server->Patch(Path, [this](const httplib::Request& request, httplib::Response& response) {
            const bool jsonPatch = request.get_header_value("Content-Type") == "application/json-patch+json";
            write(response, request.body, [&](json& object) {
                const json patch = json::parse(request.body);
                if (jsonPatch) {
                    if (m_refuseJsonPatches || patch[0]["value"] != object["metadata"]["resourceVersion"]) {
                        m_failedTest = true;
                        return false;
                    }
                    object = object.patch(patch);
                    return true;
                }
                if (patch["metadata"]["resourceVersion"] != object["metadata"]["resourceVersion"])
                    return false;
                object.merge_patch(patch);
                return true;
            });
        });
        m_running.emplace(std::move(server));
    }

    int port() const { return m_running->port(); }

    void interfere(int times)
    {
        std::lock_guard lock(m_mutex);
        m_interferences = times;
    }

    // Every JSON Patch fails as one the server cannot apply (a path that does not exist, say).
    void refuseJsonPatches()
    {
        std::lock_guard lock(m_mutex);
        m_refuseJsonPatches = true;
    }

    void change(const std::function<void(json&)>& edit)
    {
        std::lock_guard lock(m_mutex);
        bump(edit);
    }

    json object()
    {
        std::lock_guard lock(m_mutex);
        return m_object;
    }
    int reads()
    {
        std::lock_guard lock(m_mutex);
        return m_reads;
    }
    int writes()
    {
        std::lock_guard lock(m_mutex);
        return m_writes;
    }
    std::string lastBody()
    {
        std::lock_guard lock(m_mutex);
        return m_lastBody;
    }

private:
    void bump(const std::function<void(json&)>& edit)
    {
        edit(m_object);
        m_object["metadata"]["resourceVersion"] = std::to_string(++m_version);
    }

    void write(httplib::Response& response, const std::string& body, const std::function<bool(json&)>& apply)
    {
        std::lock_guard lock(m_mutex);
        ++m_writes;
        m_lastBody = body;
        m_failedTest = false;
        json updated = m_object;
        if (!apply(updated)) {
            // What kube-apiserver answers: 409 for a stale resourceVersion; for a JSON Patch it cannot
            // apply, a failed test included, a bare 422 that does not say which operation failed.
            response.status = m_failedTest ? 422 : 409;
            const std::string message = m_failedTest
                ? "the server rejected our request due to an error in our request"
                : "Operation cannot be fulfilled on virtualservices.networking.istio.io \"reviews\": the object has been modified; please apply your changes to the latest version and try again";
            response.set_content(json{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                                      {"message", message}, {"reason", m_failedTest ? "Invalid" : "Conflict"},
                                      {"code", response.status}}.dump(),
                                 "application/json");
            return;
        }
        m_object = updated;
        m_object["metadata"]["resourceVersion"] = std::to_string(++m_version);
        response.set_content(m_object.dump(), "application/json");
    }

    std::mutex m_mutex;
    json m_object;
    long m_version = 7;
    int m_interferences = 0;
    int m_reads = 0;
    int m_writes = 0;
    bool m_failedTest = false;
    bool m_refuseJsonPatches = false;
    std::string m_lastBody;
    std::optional<LocalServer> m_running;
};

kube::ClusterConnection connectionTo(int port)
{
    kube::ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(port);
    return connection;
}

// The operator's intent: "reviews: v1 70, v2 30", re-applied to whatever the object now is.
EditVerdict splitSeventyThirty(json& object)
{
    auto& routes = object["spec"]["http"][0]["route"];
    routes = json::array({{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}, {"weight", 70}},
                          {{"destination", {{"host", "reviews"}, {"subset", "v2"}}}, {"weight", 30}}});
    return EditVerdict::apply();
}

// QCOMPARE cannot take nlohmann::json (it converts to anything); compare and print the dumps.
#define COMPARE_JSON(actual, expected)                                                                          \
    QVERIFY2((actual) == (expected), ((actual).dump() + " != " + (expected).dump()).c_str())

} // namespace

class TestOptimisticUpdate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void conflictsAreRetriedWithTheEditReapplied_data();
    void conflictsAreRetriedWithTheEditReapplied();
    void givesUpAfterFiveConflicts();
    void refusedJsonPatchIsNotRetried();
    void editMayDecline();
    void noChangeWritesNothing();
    void missingObjectFails();
    void writeBodies();
};

void TestOptimisticUpdate::conflictsAreRetriedWithTheEditReapplied_data()
{
    QTest::addColumn<WriteMethod>("method");
    QTest::addColumn<int>("interferences");
    QTest::newRow("put, no conflict") << WriteMethod::Put << 0;
    QTest::newRow("put, two conflicts") << WriteMethod::Put << 2;
    QTest::newRow("merge patch, two conflicts") << WriteMethod::MergePatch << 2;
    QTest::newRow("json patch, two failed tests") << WriteMethod::JsonPatch << 2;
    QTest::newRow("put, four conflicts") << WriteMethod::Put << 4;
}

void TestOptimisticUpdate::conflictsAreRetriedWithTheEditReapplied()
{
    QFETCH(WriteMethod, method);
    QFETCH(int, interferences);
    ObjectServer server;
    server.interfere(interferences);
    TaskQueue queue;
    kube::KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    std::optional<UpdateResult> result;
    OptimisticUpdate update(client, Path, splitSeventyThirty, [&](UpdateResult r) { result = std::move(r); }, method);
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QVERIFY2(result->outcome == UpdateResult::Outcome::Updated, result->error.describe().c_str());
    QCOMPARE(result->attempts, interferences + 1);
    QCOMPARE(server.reads(), interferences + 1);
    const json now = server.object();
    QCOMPARE(now["spec"]["http"][0]["route"][1]["weight"].get<int>(), 30);
    // Nothing the edit did not touch is lost: unknown fields, annotations, the colleague's label.
    QCOMPARE(now["spec"]["x-unknown"]["kept"].get<bool>(), true);
    QCOMPARE(now["metadata"]["annotations"]["keep"].get<std::string>(), std::string("me"));
    if (interferences > 0)
        QCOMPARE(now["metadata"]["labels"]["colleague"].get<std::string>(), std::string("was here"));
    COMPARE_JSON(*result->object, now);
}

void TestOptimisticUpdate::givesUpAfterFiveConflicts()
{
    ObjectServer server;
    server.interfere(100);
    TaskQueue queue;
    kube::KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    std::optional<UpdateResult> result;
    OptimisticUpdate update(client, Path, splitSeventyThirty, [&](UpdateResult r) { result = std::move(r); });
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY(result->outcome == UpdateResult::Outcome::Failed);
    QCOMPARE(result->error.httpStatus, 409L);
    QCOMPARE(result->error.reason, std::string("Conflict"));
    QCOMPARE(result->attempts, 5);
    QCOMPARE(server.writes(), 5);
}

// A 422 that is not a conflict (the object did not change meanwhile) is the patch's own fault:
// reported after one re-read, not retried five times.
void TestOptimisticUpdate::refusedJsonPatchIsNotRetried()
{
    ObjectServer server;
    server.refuseJsonPatches();
    TaskQueue queue;
    kube::KubeClient client(connectionTo(server.port()), queue.executor());
    std::optional<UpdateResult> result;
    OptimisticUpdate update(client, Path, splitSeventyThirty, [&](UpdateResult r) { result = std::move(r); },
                            WriteMethod::JsonPatch);
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QCOMPARE(int(result->outcome), int(UpdateResult::Outcome::Failed));
    QCOMPARE(result->error.httpStatus, 422L);
    QCOMPARE(result->attempts, 1);
    QCOMPARE(server.writes(), 1);
    QCOMPARE(server.reads(), 2);
}

void TestOptimisticUpdate::editMayDecline()
{
    ObjectServer server;
    // Someone removed the route the operator meant to change.
    server.change([](json& object) { object["spec"]["http"] = json::array(); });
    TaskQueue queue;
    kube::KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    std::optional<UpdateResult> result;
    OptimisticUpdate update(
        client, Path,
        [](json& object) {
            if (object["spec"]["http"].empty())
                return EditVerdict::noLongerApplies("reviews has no HTTP route any more");
            return splitSeventyThirty(object);
        },
        [&](UpdateResult r) { result = std::move(r); });
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY(result->outcome == UpdateResult::Outcome::NoLongerApplies);
    QCOMPARE(result->reason, std::string("reviews has no HTTP route any more"));
    QVERIFY(result->object);
    QCOMPARE(server.writes(), 0);
}

void TestOptimisticUpdate::noChangeWritesNothing()
{
    ObjectServer server;
    TaskQueue queue;
    kube::KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    std::optional<UpdateResult> result;
    OptimisticUpdate update(client, Path, [](json&) { return EditVerdict::apply(); },
                            [&](UpdateResult r) { result = std::move(r); });
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY(result->outcome == UpdateResult::Outcome::Unchanged);
    QCOMPARE(result->attempts, 0);
    QCOMPARE(server.writes(), 0);
}

void TestOptimisticUpdate::missingObjectFails()
{
    ObjectServer server;
    TaskQueue queue;
    kube::KubeClient client(connectionTo(server.port()), queue.executor(), {0, 1});
    std::optional<UpdateResult> result;
    OptimisticUpdate update(client, Path + "-gone", splitSeventyThirty, [&](UpdateResult r) { result = std::move(r); });
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY(result->outcome == UpdateResult::Outcome::Failed);
    QCOMPARE(result->error.httpStatus, 404L);
}

void TestOptimisticUpdate::writeBodies()
{
    const json before = json::parse(R"({"metadata":{"name":"r","resourceVersion":"7","labels":{"a":"1","b":"2"}},"spec":{"n":1}})");
    json after = before;
    after["metadata"]["labels"].erase("b");
    after["spec"]["n"] = 2;
    after["metadata"]["resourceVersion"] = "edited-by-mistake";
    COMPARE_JSON(json::parse(OptimisticUpdate::writeBody(WriteMethod::MergePatch, before, after)),
                 json::parse(R"({"metadata":{"labels":{"b":null},"resourceVersion":"7"},"spec":{"n":2}})"));
    COMPARE_JSON(json::parse(OptimisticUpdate::writeBody(WriteMethod::Put, before, after))["metadata"]["resourceVersion"],
                 json("7"));
    after["metadata"]["resourceVersion"] = "7";
    COMPARE_JSON(json::parse(OptimisticUpdate::writeBody(WriteMethod::JsonPatch, before, after)),
                 json::parse(R"([{"op":"test","path":"/metadata/resourceVersion","value":"7"},
                             {"op":"remove","path":"/metadata/labels/b"},{"op":"replace","path":"/spec/n","value":2}])"));
}

QTEST_APPLESS_MAIN(TestOptimisticUpdate)
#include "tst_optimisticupdate.moc"

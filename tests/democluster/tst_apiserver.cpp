// SPDX-License-Identifier: Apache-2.0
// The API server's request handling called without a socket, plus one round trip over real HTTPS.

#include "AdmissionValidator.h"
#include "ApiListener.h"
#include "ApiRequest.h"
#include "ApiServer.h"
#include "Authenticator.h"
#include "Authorizer.h"
#include "ClusterBootstrap.h"
#include "DeploymentController.h"
#include "DiscoveryDocuments.h"
#include "EndpointsController.h"
#include "EventHistory.h"
#include "JobController.h"
#include "LabelSelector.h"
#include "ObjectStore.h"
#include "PrometheusProxy.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TableRenderer.h"
#include "TlsCredentials.h"
#include "WatchStream.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <map>
#include <set>
#include <fstream>
#include <thread>

using namespace democluster;
using nlohmann::json;

namespace {

const std::filesystem::path resourcesDir = MESHDECK_SOURCE_DIR "/resources";
constexpr const char* Token = "test-token";
constexpr const char* ViewerToken = "viewer-token";
constexpr const char* ReviewsPath = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews";

// QCOMPARE cannot print (or even overload-resolve) nlohmann::json; this shows both documents.
#define COMPARE_JSON(actual, expected)                                                                    \
    do {                                                                                                  \
        const json actualValue_ = (actual);                                                               \
        const json expectedValue_ = (expected);                                                           \
        QVERIFY2(actualValue_ == expectedValue_,                                                          \
                 qPrintable(QString::fromStdString(actualValue_.dump() + " != " + expectedValue_.dump()))); \
    } while (false)

json parsed(const ApiResponse& response)
{
    return json::parse(response.body, nullptr, false);
}

// The events a watch has produced so far (or until it ends), one JSON value per line.
std::vector<json> drain(ResponseStream& stream, std::chrono::milliseconds wait = std::chrono::milliseconds(50))
{
    std::string text;
    stream.next(text, wait);
    std::vector<json> events;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        if (!line.empty())
            events.push_back(json::parse(line));
        start = end == std::string::npos ? text.size() : end + 1;
    }
    return events;
}

StoreEvent eventAt(std::uint64_t version)
{
    return StoreEvent{StoreEvent::Type::Modified, version, "pods", std::make_shared<const json>(json::object()), nullptr};
}

} // namespace

class TestApiServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void rejectsMissingOrWrongToken_data();
    void rejectsMissingOrWrongToken();
    void discoveryComesFromTheRegistry();
    void notFoundIsAStatus();
    void listsWithSelectors_data();
    void listsWithSelectors();
    void listsAcrossNamespaces();
    void mergePatchBumpsResourceVersionAndKeepsUnknownFields();
    void staleResourceVersionConflicts();
    void noOpPatchKeepsResourceVersion();
    void jsonPatchTestOp();
    void admissionRejects_data();
    void admissionRejects();
    void unsupportedPatchTypeIs415();
    void malformedBodiesAreBadRequests_data();
    void malformedBodiesAreBadRequests();
    void oversizedBodyIs413();
    void createConflictsAndDeletes();
    void prometheusProxyWhenOffIs503();
    void labelSelectorParsing_data();
    void labelSelectorParsing();
    void eventHistoryKeepsAWindow();
    void watchFromListVersionSeesOnlyLaterEvents();
    void watchOfOneObjectStartsWithAdded();
    void watchFollowsLabelSelection();
    void watchFromBeforeTheHistoryIsExpired();
    void watchBookmarksAndTimeout();
    void watchesAreBounded();
    void watchRejectsBadParameters();
    void discoveryListsWatch();
    void openApiAdvertisesFieldValidationOnPatch();
    void tablesForPodsAndVirtualServices();
    void tableOfOneObjectAndIncludeObject();
    void humanDuration_data();
    void humanDuration();
    void servesOverHttps();
    void viewerMayReadButNotWrite();
    void forbiddenMessages_data();
    void forbiddenMessages();
    void selfSubjectAccessReview_data();
    void selfSubjectAccessReview();
    void selfSubjectRulesReviewListsTheEnforcedRules();
    void selfSubjectReviewNamesTheUser();
    void reviewsAreCreateOnlyInDiscovery();
    void accessReviewAsProtobuf();
    void listPagesWithLimitAndContinue();
    void malformedAndTruncatedBodiesAlwaysGetAStatus();
    void httpsWatchSeesAnotherClientsPatch();
    void aggregatedDiscoveryListsEveryResource();
    void istioKindsServedAtOlderVersions();
    void strategicMergePatchMergesListsByKey();
    void serverSideApplyCreatesAndOwnsFields();
    void serverSideApplyConflictsAndForce();
    void serverSideApplyThroughTheNewKinds_data();
    void serverSideApplyThroughTheNewKinds();
    void staleResourceVersionConflictsForEveryWrite_data();
    void staleResourceVersionConflictsForEveryWrite();
    void jobsSucceedOrFail_data();
    void jobsSucceedOrFail();
    void podLogsAndFollow();
    void stateDirectorySurvivesARestart();
    void tablesForTheNewKinds();
    void deploymentRollsItsPods();
    void controllersSurviveObjectsTheyCannotRead();

private:
    // A Job through the API, then its controller run as time passes; returns the finished Job.
    json runJob(const std::string& name, const std::string& exitCode, int backoffLimit);
    ApiResponse send(const std::string& method, const std::string& path, const std::string& body = {},
                     const std::string& contentType = {}, std::multimap<std::string, std::string> query = {});
    ApiResponse sendAs(const std::string& token, const std::string& method, const std::string& path,
                       const std::string& body = {}, const std::string& contentType = {},
                       std::multimap<std::string, std::string> query = {});
    ApiResponse getAs(const std::string& accept, const std::string& path, std::multimap<std::string, std::string> query = {});
    void seed(ObjectStore& store);

    std::unique_ptr<ObjectStore> m_store;
    Authenticator m_authenticator;
    PrometheusProxy m_proxy;
    std::unique_ptr<ApiServer> m_api;
};

ApiResponse TestApiServer::send(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& contentType, std::multimap<std::string, std::string> query)
{
    return sendAs(Token, method, path, body, contentType, std::move(query));
}

ApiResponse TestApiServer::sendAs(const std::string& token, const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& contentType,
                                  std::multimap<std::string, std::string> query)
{
    ApiRequest request;
    request.method = method;
    request.path = path;
    request.query = std::move(query);
    request.headers["authorization"] = "Bearer " + token;
    if (!contentType.empty())
        request.headers["content-type"] = contentType;
    request.body = body;
    return m_api->handle(request);
}

ApiResponse TestApiServer::getAs(const std::string& accept, const std::string& path,
                                 std::multimap<std::string, std::string> query)
{
    ApiRequest request;
    request.method = "GET";
    request.path = path;
    request.query = std::move(query);
    request.headers["authorization"] = std::string("Bearer ") + Token;
    request.headers["accept"] = accept;
    return m_api->handle(request);
}

void TestApiServer::seed(ObjectStore& store)
{
    AdmissionValidator admission;
    ClusterBootstrap(store, ResourceRegistry::builtin(), admission)
        .seed(Scenario::load(resourcesDir / "scenarios" / "bookinfo.yaml"), resourcesDir);
    DeploymentController(store, ResourceRegistry::builtin()).reconcile();
}

void TestApiServer::init()
{
    // A client closing a watch makes the server's next TLS write raise SIGPIPE; meshdeck-democluster
    // ignores it in main(), this process must too.
    std::signal(SIGPIPE, SIG_IGN);
    m_store = std::make_unique<ObjectStore>();
    m_authenticator.addToken(Token, UserInfo{"meshdeck-admin", {"system:masters", "system:authenticated"}});
    m_authenticator.addToken(ViewerToken, UserInfo{"meshdeck-viewer", {"meshdeck:viewers", "system:authenticated"}});
    seed(*m_store);
    m_api = std::make_unique<ApiServer>(*m_store, ResourceRegistry::builtin(), m_authenticator, m_proxy);
}

void TestApiServer::cleanup()
{
    m_api.reset();
    m_store.reset();
}

void TestApiServer::rejectsMissingOrWrongToken_data()
{
    QTest::addColumn<QString>("authorization");
    QTest::newRow("missing") << QString();
    QTest::newRow("wrong token") << QStringLiteral("Bearer nope");
    QTest::newRow("basic auth") << QStringLiteral("Basic dXNlcjpwYXNz");
    QTest::newRow("token without scheme") << QString::fromLatin1(Token);
}

void TestApiServer::rejectsMissingOrWrongToken()
{
    QFETCH(QString, authorization);
    ApiRequest request;
    request.method = "GET";
    request.path = "/api/v1/namespaces/bookinfo/pods";
    if (!authorization.isEmpty())
        request.headers["authorization"] = authorization.toStdString();
    const auto response = m_api->handle(request);
    QCOMPARE(response.status, 401);
    const json status = parsed(response);
    COMPARE_JSON(status["kind"], "Status");
    COMPARE_JSON(status["reason"], "Unauthorized");
    COMPARE_JSON(status["code"], 401);
}

void TestApiServer::discoveryComesFromTheRegistry()
{
    const json groups = parsed(send("GET", "/apis"));
    COMPARE_JSON(groups["kind"], "APIGroupList");
    // apps, batch, coordination.k8s.io, networking.istio.io, gateway.networking.k8s.io and the two review groups.
    COMPARE_JSON(groups["groups"].size(), std::size_t(7));
    for (const auto& group : groups["groups"]) {
        if (group["name"] == "networking.istio.io") {
            COMPARE_JSON(group["preferredVersion"]["version"], "v1");
            COMPARE_JSON(group["versions"].size(), std::size_t(3));
        }
    }
    const json istio = parsed(send("GET", "/apis/networking.istio.io/v1"));
    COMPARE_JSON(istio["kind"], "APIResourceList");
    COMPARE_JSON(istio["groupVersion"], "networking.istio.io/v1");
    COMPARE_JSON(istio["resources"][0]["name"], "virtualservices");
    COMPARE_JSON(istio["resources"][0]["singularName"], "virtualservice");
    COMPARE_JSON(istio["resources"][0]["shortNames"], json({"vs"}));
    COMPARE_JSON(istio["resources"][1]["shortNames"], json({"dr"}));
    const json core = parsed(send("GET", "/api/v1"));
    COMPARE_JSON(core["resources"][0]["name"], "namespaces");
    COMPARE_JSON(core["resources"][0]["namespaced"], false);
    COMPARE_JSON(parsed(send("GET", "/api"))["versions"], json({"v1"}));
    QCOMPARE(send("GET", "/apis/nope.io/v1").status, 404);
}

void TestApiServer::notFoundIsAStatus()
{
    const auto response = send("GET", "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/x");
    QCOMPARE(response.status, 404);
    const json status = parsed(response);
    COMPARE_JSON(status["status"], "Failure");
    COMPARE_JSON(status["reason"], "NotFound");
    COMPARE_JSON(status["message"], "virtualservices.networking.istio.io \"x\" not found");
    COMPARE_JSON(status["details"], json({{"name", "x"}, {"group", "networking.istio.io"}, {"kind", "virtualservices"}}));
    COMPARE_JSON(parsed(send("GET", "/api/v1/namespaces/bookinfo/pods/x"))["message"], "pods \"x\" not found");
    QCOMPARE(send("GET", "/api/v1/namespaces/bookinfo/widgets").status, 404);
}

void TestApiServer::listsWithSelectors_data()
{
    QTest::addColumn<QString>("labelSelector");
    QTest::addColumn<QString>("fieldSelector");
    QTest::addColumn<int>("count");
    QTest::newRow("everything") << QString() << QString() << 6;
    QTest::newRow("app=reviews") << QStringLiteral("app=reviews") << QString() << 3;
    QTest::newRow("app=reviews,version!=v1") << QStringLiteral("app=reviews,version!=v1") << QString() << 2;
    QTest::newRow("app==ratings") << QStringLiteral("app==ratings") << QString() << 1;
    QTest::newRow("in set") << QStringLiteral("app in (details,ratings)") << QString() << 2;
    QTest::newRow("no such label value") << QStringLiteral("app=nope") << QString() << 0;
    QTest::newRow("field name miss") << QString() << QStringLiteral("metadata.name=x") << 0;
    QTest::newRow("field namespace") << QString() << QStringLiteral("metadata.namespace=bookinfo") << 6;
}

void TestApiServer::listsWithSelectors()
{
    QFETCH(QString, labelSelector);
    QFETCH(QString, fieldSelector);
    QFETCH(int, count);
    std::multimap<std::string, std::string> query;
    if (!labelSelector.isEmpty())
        query.emplace("labelSelector", labelSelector.toStdString());
    if (!fieldSelector.isEmpty())
        query.emplace("fieldSelector", fieldSelector.toStdString());
    const auto response = send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {}, query);
    QCOMPARE(response.status, 200);
    const json list = parsed(response);
    COMPARE_JSON(list["kind"], "PodList");
    COMPARE_JSON(list["metadata"]["resourceVersion"], m_store->resourceVersion());
    COMPARE_JSON(int(list["items"].size()), count);
}

void TestApiServer::listsAcrossNamespaces()
{
    const json services = parsed(send("GET", "/api/v1/services"));
    COMPARE_JSON(services["items"].size(), std::size_t(5)); // four bookinfo services and Prometheus
    const json pod = parsed(send("GET", "/api/v1/pods", {}, {}, {{"labelSelector", "app=productpage"}}))["items"][0];
    COMPARE_JSON(pod["status"]["phase"], "Running");
    COMPARE_JSON(pod["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    QVERIFY(pod["metadata"]["labels"].contains("pod-template-hash"));
    COMPARE_JSON(pod["spec"]["containers"].size(), std::size_t(2)); // the app and istio-proxy
}

void TestApiServer::mergePatchBumpsResourceVersionAndKeepsUnknownFields()
{
    const json before = parsed(send("GET", ReviewsPath));
    const std::uint64_t storeVersion = std::stoull(m_store->resourceVersion());
    const json patch = {{"metadata", {{"annotations", {{"meshdeck.io/note", "x"}}}}},
                        {"spec",
                         {{"http",
                           {{{"route",
                              {{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}, {"weight", 80}},
                               {{"destination", {{"host", "reviews"}, {"subset", "v2"}}}, {"weight", 20}}}},
                             {"x-unknown-field", true}}}}}}};
    const auto response = send("PATCH", ReviewsPath, patch.dump(), "application/merge-patch+json");
    QCOMPARE(response.status, 200);
    const json after = parsed(response);
    QVERIFY(after["metadata"]["resourceVersion"] != before["metadata"]["resourceVersion"]);
    COMPARE_JSON(after["metadata"]["generation"], 2);
    COMPARE_JSON(after["metadata"]["uid"], before["metadata"]["uid"]);
    COMPARE_JSON(after["spec"]["http"][0]["route"][1]["weight"], 20);
    COMPARE_JSON(after["spec"]["http"][0]["x-unknown-field"], true);
    COMPARE_JSON(after["spec"]["hosts"], before["spec"]["hosts"]);
    // The write is in the store's history, ready for watchers.
    const auto events = m_store->changesSince(storeVersion)->events;
    QCOMPARE(events.size(), std::size_t(1));
    QVERIFY(events.front().type == StoreEvent::Type::Modified);
    COMPARE_JSON(*events.front().object, after);
    // Metadata-only changes leave the generation alone.
    const json annotate = {{"metadata", {{"annotations", {{"meshdeck.io/note", "y"}}}}}};
    const json annotated = parsed(send("PATCH", ReviewsPath, annotate.dump(), "application/merge-patch+json"));
    COMPARE_JSON(annotated["metadata"]["generation"], 2);
    COMPARE_JSON(parsed(send("GET", ReviewsPath)), annotated);
}

void TestApiServer::staleResourceVersionConflicts()
{
    const json current = parsed(send("GET", ReviewsPath));
    const json stale = {{"metadata", {{"resourceVersion", "1"}}}, {"spec", {{"hosts", {"reviews", "x"}}}}};
    const auto response = send("PATCH", ReviewsPath, stale.dump(), "application/merge-patch+json");
    QCOMPARE(response.status, 409);
    const json status = parsed(response);
    COMPARE_JSON(status["reason"], "Conflict");
    COMPARE_JSON(status["message"],
             "Operation cannot be fulfilled on virtualservices.networking.istio.io \"reviews\": the object has been "
             "modified; please apply your changes to the latest version and try again");
    COMPARE_JSON(status["details"]["kind"], "virtualservices");
    COMPARE_JSON(parsed(send("GET", ReviewsPath)), current);

    // The same patch against the current version goes through, and so does a PUT of what was read.
    json fresh = stale;
    fresh["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
    QCOMPARE(send("PATCH", ReviewsPath, fresh.dump(), "application/merge-patch+json").status, 200);
    QCOMPARE(send("PUT", ReviewsPath, current.dump(), "application/json").status, 409);
    const json latest = parsed(send("GET", ReviewsPath));
    QCOMPARE(send("PUT", ReviewsPath, latest.dump(), "application/json").status, 200);
}

void TestApiServer::noOpPatchKeepsResourceVersion()
{
    const json before = parsed(send("GET", ReviewsPath));
    const json same = {{"spec", {{"hosts", {"reviews"}}}}};
    const json after = parsed(send("PATCH", ReviewsPath, same.dump(), "application/merge-patch+json"));
    COMPARE_JSON(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
}

void TestApiServer::jsonPatchTestOp()
{
    const json current = parsed(send("GET", ReviewsPath));
    const std::string version = current["metadata"]["resourceVersion"];
    const json good = json::array({{{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", version}},
                                   {{"op", "replace"}, {"path", "/spec/http/0/route/0/destination/subset"}, {"value", "v2"}}});
    const auto applied = send("PATCH", ReviewsPath, good.dump(), "application/json-patch+json");
    QCOMPARE(applied.status, 200);
    COMPARE_JSON(parsed(applied)["spec"]["http"][0]["route"][0]["destination"]["subset"], "v2");

    // Replaying it: the test op now fails, as it should when someone else wrote in between.
    const auto refused = send("PATCH", ReviewsPath, good.dump(), "application/json-patch+json");
    QCOMPARE(refused.status, 422);
    const json status = parsed(refused);
    COMPARE_JSON(status["reason"], "Invalid");
    COMPARE_JSON(status["message"], "the server rejected our request due to an error in our request");
    COMPARE_JSON(parsed(send("GET", ReviewsPath)), parsed(applied));

    const json missingPath = json::array({{{"op", "remove"}, {"path", "/spec/nope"}}});
    QCOMPARE(send("PATCH", ReviewsPath, missingPath.dump(), "application/json-patch+json").status, 422);
    QCOMPARE(send("PATCH", ReviewsPath, R"({"op":"add"})", "application/json-patch+json").status, 400);
}

void TestApiServer::admissionRejects_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<QString>("message");
    QTest::newRow("negative weight")
        << QStringLiteral(R"([{"destination":{"host":"reviews","subset":"v1"},"weight":-10},)"
                          R"({"destination":{"host":"reviews","subset":"v2"},"weight":110}])")
        << QStringLiteral("weight -10 < 0");
    QTest::newRow("all zero")
        << QStringLiteral(R"([{"destination":{"host":"reviews","subset":"v1"},"weight":0},)"
                          R"({"destination":{"host":"reviews","subset":"v2"},"weight":0}])")
        << QStringLiteral("total destination weight = 0");
    QTest::newRow("missing host") << QStringLiteral(R"([{"destination":{"subset":"v1"}}])")
                                  << QStringLiteral("empty domain name not allowed");
    QTest::newRow("missing destination") << QStringLiteral(R"([{"weight":100}])")
                                         << QStringLiteral("destination is required");
    QTest::newRow("two findings")
        << QStringLiteral(R"([{"destination":{"host":"reviews"},"weight":-1},{"weight":2}])")
        << QStringLiteral("2 errors occurred:\n\t* weight -1 < 0\n\t* destination is required\n\n");
}

void TestApiServer::admissionRejects()
{
    QFETCH(QString, route);
    QFETCH(QString, message);
    const json before = parsed(send("GET", ReviewsPath));
    const json patch = {{"spec", {{"http", {{{"route", json::parse(route.toStdString())}}}}}}};
    const auto response = send("PATCH", ReviewsPath, patch.dump(), "application/merge-patch+json");
    QCOMPARE(response.status, 400);
    const json status = parsed(response);
    QCOMPARE(QString::fromStdString(status["message"].get<std::string>()),
             QStringLiteral("admission webhook \"validation.istio.io\" denied the request: configuration is invalid: ")
                 + message);
    QVERIFY(!status.contains("reason")); // kube-apiserver keeps istiod's empty reason
    COMPARE_JSON(parsed(send("GET", ReviewsPath)), before);
}

void TestApiServer::unsupportedPatchTypeIs415()
{
    const auto response = send("PATCH", ReviewsPath, "{}", "application/strategic-merge-patch+json");
    QCOMPARE(response.status, 415);
    const json status = parsed(response);
    COMPARE_JSON(status["reason"], "UnsupportedMediaType");
    COMPARE_JSON(status["message"], "the body of the request was in an unknown format - accepted media types include: "
                                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    // Built-in kinds take it, and an unknown type is refused for them too.
    QCOMPARE(send("PATCH", "/api/v1/namespaces/bookinfo/services/reviews", R"({"metadata":{"labels":{"x":"y"}}})",
                  "application/strategic-merge-patch+json")
                 .status,
             200);
    QCOMPARE(send("PATCH", "/api/v1/namespaces/bookinfo/services/reviews", "{}", "application/xml").status, 415);
}

void TestApiServer::malformedBodiesAreBadRequests_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("merge patch, truncated") << QStringLiteral("PATCH") << QStringLiteral("application/merge-patch+json")
                                            << QByteArray(R"({"spec":)");
    QTest::newRow("json patch, not JSON") << QStringLiteral("PATCH") << QStringLiteral("application/json-patch+json")
                                          << QByteArray("\x01\x02garbage");
    QTest::newRow("put, empty") << QStringLiteral("PUT") << QStringLiteral("application/json") << QByteArray();
    QTest::newRow("put, an array") << QStringLiteral("PUT") << QStringLiteral("application/json") << QByteArray("[1]");
}

void TestApiServer::malformedBodiesAreBadRequests()
{
    QFETCH(QString, method);
    QFETCH(QString, contentType);
    QFETCH(QByteArray, body);
    const auto response = send(method.toStdString(), ReviewsPath, body.toStdString(), contentType.toStdString());
    QCOMPARE(response.status, 400);
    COMPARE_JSON(parsed(response)["reason"], "BadRequest");
}

void TestApiServer::oversizedBodyIs413()
{
    const std::string huge(ApiServer::MaxBodyBytes + 1, ' ');
    const auto response = send("PATCH", ReviewsPath, huge, "application/merge-patch+json");
    QCOMPARE(response.status, 413);
    COMPARE_JSON(parsed(response)["reason"], "RequestEntityTooLarge");
}

void TestApiServer::createConflictsAndDeletes()
{
    const char* collection = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices";
    const json object = {{"apiVersion", "networking.istio.io/v1"},
                         {"kind", "VirtualService"},
                         {"metadata", {{"name", "canary"}}},
                         {"spec", {{"hosts", {"canary"}}, {"http", {{{"route", {{{"destination", {{"host", "canary"}}}}}}}}}}}};
    const auto created = send("POST", collection, object.dump(), "application/json");
    QCOMPARE(created.status, 201);
    const json stored = parsed(created);
    COMPARE_JSON(stored["metadata"]["namespace"], "bookinfo");
    COMPARE_JSON(stored["metadata"]["generation"], 1);
    QVERIFY(!stored["metadata"]["uid"].get<std::string>().empty());
    QVERIFY(!stored["metadata"]["creationTimestamp"].get<std::string>().empty());

    const auto again = send("POST", collection, object.dump(), "application/json");
    QCOMPARE(again.status, 409);
    COMPARE_JSON(parsed(again)["reason"], "AlreadyExists");
    COMPARE_JSON(parsed(again)["message"], "virtualservices.networking.istio.io \"canary\" already exists");

    QCOMPARE(send("POST", "/apis/networking.istio.io/v1/namespaces/nowhere/virtualservices", object.dump(),
                  "application/json")
                 .status,
             404);
    QCOMPARE(send("DELETE", std::string(collection) + "/canary").status, 200);
    QCOMPARE(send("GET", std::string(collection) + "/canary").status, 404);
    QCOMPARE(send("DELETE", collection).status, 405);
}

void TestApiServer::prometheusProxyWhenOffIs503()
{
    const auto response =
        send("GET", "/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query", {}, {}, {{"query", "up"}});
    QCOMPARE(response.status, 503);
    const json status = parsed(response);
    COMPARE_JSON(status["reason"], "ServiceUnavailable");
    QVERIFY(status["message"].get<std::string>().find("--prometheus auto") != std::string::npos);
    QCOMPARE(send("GET", "/api/v1/namespaces/istio-system/services/grafana:3000/proxy/").status, 404);
}

void TestApiServer::labelSelectorParsing_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("matchesReviewsV2"); // labels app=reviews, version=v2
    QTest::newRow("empty") << QString() << true << true;
    QTest::newRow("equals") << QStringLiteral("app=reviews") << true << true;
    QTest::newRow("double equals, spaces") << QStringLiteral(" app == reviews , version=v2") << true << true;
    QTest::newRow("not equals") << QStringLiteral("version!=v2") << true << false;
    QTest::newRow("not equals, absent key") << QStringLiteral("tier!=web") << true << true;
    QTest::newRow("exists") << QStringLiteral("version") << true << true;
    QTest::newRow("not exists") << QStringLiteral("!version") << true << false;
    QTest::newRow("in") << QStringLiteral("version in (v1, v2)") << true << true;
    QTest::newRow("notin") << QStringLiteral("version notin (v1,v2)") << true << false;
    QTest::newRow("bad key") << QStringLiteral("ap p=x") << false << false;
    QTest::newRow("unclosed set") << QStringLiteral("version in (v1") << false << false;
}

void TestApiServer::labelSelectorParsing()
{
    QFETCH(QString, selector);
    QFETCH(bool, valid);
    QFETCH(bool, matchesReviewsV2);
    std::string error;
    const auto parsedSelector = LabelSelector::parse(selector.toStdString(), error);
    QCOMPARE(parsedSelector.has_value(), valid);
    if (!valid) {
        QVERIFY(!error.empty());
        return;
    }
    QCOMPARE(parsedSelector->matches(json{{"app", "reviews"}, {"version", "v2"}}), matchesReviewsV2);
}

void TestApiServer::eventHistoryKeepsAWindow()
{
    EventHistory history(3);
    QCOMPARE(history.since(0)->size(), std::size_t(0));
    for (std::uint64_t version = 2; version <= 6; ++version)
        history.append(eventAt(version));
    // 2 and 3 were dropped: a watcher at 3 has seen 3 and needs 4..6, which are all here.
    QCOMPARE(history.oldestResumable(), std::uint64_t(3));
    QVERIFY(!history.since(0));
    QVERIFY(!history.since(2));
    const auto fromThree = history.since(3);
    QVERIFY(fromThree);
    QCOMPARE(fromThree->size(), std::size_t(3));
    QCOMPARE(fromThree->front().resourceVersion, std::uint64_t(4));
    QCOMPARE(history.since(5)->size(), std::size_t(1));
    QCOMPARE(history.since(6)->size(), std::size_t(0));
    QCOMPARE(history.since(100)->size(), std::size_t(0)); // a version from the future: nothing yet
}

void TestApiServer::watchFromListVersionSeesOnlyLaterEvents()
{
    const char* collection = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices";
    const std::string listVersion = parsed(send("GET", collection))["metadata"]["resourceVersion"];
    const auto response = send("GET", collection, {}, {}, {{"watch", "true"}, {"resourceVersion", listVersion}});
    QCOMPARE(response.status, 200);
    QVERIFY(response.stream);
    QCOMPARE(drain(*response.stream).size(), std::size_t(0)); // no replay of what the list showed

    // A write to another type, then one to a virtual service in another namespace's list: only
    // the matching one shows up.
    const json label = {{"metadata", {{"labels", {{"touched", "yes"}}}}}};
    QCOMPARE(send("PATCH", "/api/v1/namespaces/bookinfo/services/reviews", label.dump(), "application/merge-patch+json").status, 200);
    const auto patched = send("PATCH", ReviewsPath, label.dump(), "application/merge-patch+json");
    const auto events = drain(*response.stream);
    QCOMPARE(events.size(), std::size_t(1));
    COMPARE_JSON(events[0]["type"], "MODIFIED");
    COMPARE_JSON(events[0]["object"], parsed(patched));

    QCOMPARE(send("DELETE", ReviewsPath).status, 200);
    const auto deleted = drain(*response.stream);
    QCOMPARE(deleted.size(), std::size_t(1));
    COMPARE_JSON(deleted[0]["type"], "DELETED");
    COMPARE_JSON(deleted[0]["object"]["metadata"]["resourceVersion"], m_store->resourceVersion());

    // "watch=1" is the same request.
    QVERIFY(send("GET", collection, {}, {}, {{"watch", "1"}, {"resourceVersion", listVersion}}).stream);
}

void TestApiServer::watchOfOneObjectStartsWithAdded()
{
    for (const char* version : {"0", ""}) {
        std::multimap<std::string, std::string> query = {{"watch", "true"}, {"fieldSelector", "metadata.name=reviews"}};
        if (*version)
            query.emplace("resourceVersion", version);
        const auto response = send("GET", "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices", {}, {}, query);
        QVERIFY(response.stream);
        const auto events = drain(*response.stream);
        QCOMPARE(events.size(), std::size_t(1));
        COMPARE_JSON(events[0]["type"], "ADDED");
        COMPARE_JSON(events[0]["object"], parsed(send("GET", ReviewsPath)));

        const json label = {{"metadata", {{"labels", {{"round", std::string("r") + version}}}}}};
        send("PATCH", "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/ratings", label.dump(),
             "application/merge-patch+json");
        QCOMPARE(drain(*response.stream).size(), std::size_t(0)); // another object
        send("PATCH", ReviewsPath, label.dump(), "application/merge-patch+json");
        QCOMPARE(drain(*response.stream).size(), std::size_t(1));
    }
}

void TestApiServer::watchFollowsLabelSelection()
{
    const std::string version = m_store->resourceVersion();
    const auto response = send("GET", "/apis/networking.istio.io/v1/virtualservices", {}, {},
                               {{"watch", "true"}, {"resourceVersion", version}, {"labelSelector", "stage=canary"}});
    QVERIFY(response.stream);
    const json in = {{"metadata", {{"labels", {{"stage", "canary"}}}}}};
    const json still = {{"metadata", {{"annotations", {{"note", "x"}}}}}};
    const json out = {{"metadata", {{"labels", {{"stage", nullptr}}}}}};
    send("PATCH", ReviewsPath, in.dump(), "application/merge-patch+json");
    send("PATCH", ReviewsPath, still.dump(), "application/merge-patch+json");
    const auto left = parsed(send("PATCH", ReviewsPath, out.dump(), "application/merge-patch+json"));
    send("PATCH", ReviewsPath, still.dump(), "application/merge-patch+json"); // outside the selection: nothing
    const auto events = drain(*response.stream);
    QCOMPARE(events.size(), std::size_t(3));
    COMPARE_JSON(events[0]["type"], "ADDED");
    COMPARE_JSON(events[1]["type"], "MODIFIED");
    COMPARE_JSON(events[2]["type"], "DELETED");
    COMPARE_JSON(events[2]["object"]["metadata"]["labels"]["stage"], "canary"); // the last state that matched
    COMPARE_JSON(events[2]["object"]["metadata"]["resourceVersion"], left["metadata"]["resourceVersion"]);
}

void TestApiServer::watchFromBeforeTheHistoryIsExpired()
{
    ObjectStore small(5);
    seed(small);
    const ApiServer api(small, ResourceRegistry::builtin(), m_authenticator, m_proxy);
    ApiRequest request;
    request.method = "GET";
    request.path = "/api/v1/namespaces/bookinfo/pods";
    request.headers["authorization"] = std::string("Bearer ") + Token;
    request.query = {{"watch", "true"}, {"resourceVersion", "3"}};
    const auto response = api.handle(request);
    QCOMPARE(response.status, 200);
    QVERIFY(response.stream);
    std::string text;
    QVERIFY(response.stream->next(text, std::chrono::milliseconds(10)));
    const json event = json::parse(text);
    COMPARE_JSON(event["type"], "ERROR");
    COMPARE_JSON(event["object"]["kind"], "Status");
    COMPARE_JSON(event["object"]["code"], 410);
    COMPARE_JSON(event["object"]["reason"], "Expired");
    COMPARE_JSON(event["object"]["message"],
                 "too old resource version: 3 (" + std::to_string(small.oldestResumableVersion()) + ")");
    QVERIFY(!response.stream->next(text, std::chrono::milliseconds(10))); // and the watch ends

    // From the list's version, the same server is happy.
    request.query = {{"resourceVersion", small.resourceVersion()}, {"watch", "true"}};
    const auto fresh = api.handle(request);
    QVERIFY(fresh.stream);
    QCOMPARE(drain(*fresh.stream).size(), std::size_t(0));
}

void TestApiServer::watchBookmarksAndTimeout()
{
    WatchLimits limits;
    limits.bookmarkInterval = std::chrono::milliseconds(100);
    const ApiServer api(*m_store, ResourceRegistry::builtin(), m_authenticator, m_proxy, limits);
    ApiRequest request;
    request.method = "GET";
    request.path = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices";
    request.headers["authorization"] = std::string("Bearer ") + Token;
    request.query = {{"watch", "true"},
                     {"resourceVersion", m_store->resourceVersion()},
                     {"allowWatchBookmarks", "true"},
                     {"timeoutSeconds", "1"}};
    const auto response = api.handle(request);
    QVERIFY(response.stream);
    send("PATCH", "/api/v1/namespaces/bookinfo/services/reviews", R"({"metadata":{"labels":{"x":"y"}}})",
         "application/merge-patch+json");
    QElapsedTimer timer;
    timer.start();
    std::string text;
    while (response.stream->next(text, std::chrono::milliseconds(200)) && timer.elapsed() < 20000) {
    }
    QVERIFY2(timer.elapsed() < 10000, "timeoutSeconds=1 did not end the watch");
    QVERIFY(text.find("\"BOOKMARK\"") != std::string::npos);
    // The last bookmark carries the store's version, which moved on through a write of another type.
    const std::size_t lastBookmark = text.rfind("{\"object\"");
    const json bookmark = json::parse(text.substr(lastBookmark, text.find('\n', lastBookmark) - lastBookmark));
    COMPARE_JSON(bookmark["type"], "BOOKMARK");
    COMPARE_JSON(bookmark["object"]["kind"], "VirtualService");
    COMPARE_JSON(bookmark["object"]["metadata"]["resourceVersion"], m_store->resourceVersion());
    QVERIFY(text.find("MODIFIED") == std::string::npos);
}

void TestApiServer::watchesAreBounded()
{
    WatchLimits limits;
    limits.maxWatches = 2;
    const ApiServer api(*m_store, ResourceRegistry::builtin(), m_authenticator, m_proxy, limits);
    ApiRequest request;
    request.method = "GET";
    request.path = "/api/v1/pods";
    request.headers["authorization"] = std::string("Bearer ") + Token;
    request.query = {{"watch", "true"}};
    auto first = api.handle(request);
    const auto second = api.handle(request);
    QVERIFY(first.stream && second.stream);
    const auto third = api.handle(request);
    QCOMPARE(third.status, 429);
    COMPARE_JSON(parsed(third)["reason"], "TooManyRequests");
    first.stream.reset(); // a closed watch gives its slot back
    QVERIFY(api.handle(request).stream);
}

void TestApiServer::watchRejectsBadParameters()
{
    const char* pods = "/api/v1/namespaces/bookinfo/pods";
    QCOMPARE(send("GET", pods, {}, {}, {{"watch", "true"}, {"resourceVersion", "abc"}}).status, 400);
    QCOMPARE(send("GET", pods, {}, {}, {{"watch", "true"}, {"timeoutSeconds", "-1"}}).status, 400);
    QCOMPARE(send("GET", pods, {}, {}, {{"watch", "true"}, {"labelSelector", "a in (b"}}).status, 400);
    QCOMPARE(send("GET", pods, {}, {}, {{"watch", "true"}, {"fieldSelector", "spec.nodeName=x"}}).status, 400);
}

void TestApiServer::discoveryListsWatch()
{
    const json istio = parsed(send("GET", "/apis/networking.istio.io/v1"));
    const auto verbs = istio["resources"][0]["verbs"];
    QVERIFY(std::find(verbs.begin(), verbs.end(), json("watch")) != verbs.end());
}

void TestApiServer::openApiAdvertisesFieldValidationOnPatch()
{
    const json root = parsed(send("GET", "/openapi/v3"));
    const std::string url = root["paths"]["apis/networking.istio.io/v1"]["serverRelativeURL"];
    QVERIFY(url.starts_with("/openapi/v3/apis/networking.istio.io/v1?hash="));
    QVERIFY(root["paths"].contains("api/v1"));
    QVERIFY(root["paths"].contains("apis/apps/v1"));
    const json document = parsed(send("GET", "/openapi/v3/apis/networking.istio.io/v1"));
    const json path = document["paths"]["/apis/networking.istio.io/v1/namespaces/{namespace}/virtualservices/{name}"];
    COMPARE_JSON(path["patch"]["x-kubernetes-group-version-kind"],
                 json({{"group", "networking.istio.io"}, {"version", "v1"}, {"kind", "VirtualService"}}));
    // In the operation's own parameters: kubectl does not look at path-level ones.
    COMPARE_JSON(path["patch"]["parameters"][0]["name"], "fieldValidation");
    COMPARE_JSON(path["patch"]["parameters"][0]["in"], "query");
    QVERIFY(!path.contains("parameters"));
    QVERIFY(parsed(send("GET", "/openapi/v3/api/v1"))["paths"].contains("/api/v1/namespaces/{name}"));
    QCOMPARE(send("GET", "/openapi/v3/apis/nope.io/v1").status, 404);
}

void TestApiServer::tablesForPodsAndVirtualServices()
{
    const std::string accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                               "g=meta.k8s.io,application/json";
    const json pods = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/pods", {{"labelSelector", "app=reviews"}}));
    COMPARE_JSON(pods["kind"], "Table");
    COMPARE_JSON(pods["apiVersion"], "meta.k8s.io/v1");
    std::vector<std::string> names;
    for (const auto& column : pods["columnDefinitions"]) {
        if (column["priority"] == 0)
            names.push_back(column["name"]);
    }
    COMPARE_JSON(names, json({"Name", "Ready", "Status", "Restarts", "Age"}));
    QCOMPARE(pods["rows"].size(), std::size_t(3));
    const json cells = pods["rows"][0]["cells"];
    COMPARE_JSON(cells[1], "2/2"); // the app and istio-proxy
    COMPARE_JSON(cells[2], "Running");
    COMPARE_JSON(cells[3], "0");
    QVERIFY(QRegularExpression(QStringLiteral("^\\d+s$")).match(QString::fromStdString(cells[4].get<std::string>())).hasMatch());
    COMPARE_JSON(pods["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    QVERIFY(pods["rows"][0]["object"]["metadata"]["name"].get<std::string>().starts_with("reviews-v"));

    const json services = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/services"));
    COMPARE_JSON(services["columnDefinitions"][4]["name"], "Port(s)");
    COMPARE_JSON(services["rows"][0]["cells"][1], "ClusterIP");
    COMPARE_JSON(services["rows"][0]["cells"][4], "9080/TCP");

    const json deployments = parsed(getAs(accept, "/apis/apps/v1/namespaces/bookinfo/deployments"));
    COMPARE_JSON(deployments["columnDefinitions"][1]["name"], "Ready");
    COMPARE_JSON(deployments["rows"][0]["cells"][1], "1/1");
    COMPARE_JSON(parsed(getAs(accept, "/api/v1/namespaces"))["rows"][0]["cells"][1], "Active");

    const json virtualServices = parsed(getAs(accept, "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices"));
    COMPARE_JSON(virtualServices["columnDefinitions"][1]["name"], "Gateways");
    COMPARE_JSON(virtualServices["columnDefinitions"][2]["name"], "Hosts");
    json reviews;
    for (const auto& row : virtualServices["rows"]) {
        if (row["cells"][0] == "reviews")
            reviews = row;
    }
    COMPARE_JSON(reviews["cells"][1], nullptr);
    COMPARE_JSON(reviews["cells"][2], R"(["reviews"])");
    const json rules = parsed(getAs(accept, "/apis/networking.istio.io/v1/namespaces/bookinfo/destinationrules"));
    COMPARE_JSON(rules["columnDefinitions"][1]["name"], "Host");
    COMPARE_JSON(rules["rows"][0]["cells"][1], "details");

    // Without the Table alternative: the plain list.
    COMPARE_JSON(parsed(getAs("application/json", "/api/v1/namespaces"))["kind"], "NamespaceList");
}

void TestApiServer::tableOfOneObjectAndIncludeObject()
{
    const std::string accept = "application/json;as=Table;v=v1;g=meta.k8s.io";
    const json one = parsed(getAs(accept, ReviewsPath, {{"includeObject", "Object"}}));
    COMPARE_JSON(one["kind"], "Table");
    QCOMPARE(one["rows"].size(), std::size_t(1));
    COMPARE_JSON(one["rows"][0]["object"], parsed(send("GET", ReviewsPath)));
    const json bare = parsed(getAs(accept, ReviewsPath, {{"includeObject", "None"}}));
    QVERIFY(!bare["rows"][0].contains("object"));

    // A Table watch sends one-row tables.
    const auto response = getAs(accept, "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices",
                                {{"watch", "true"}, {"fieldSelector", "metadata.name=reviews"}});
    QVERIFY(response.stream);
    const auto events = drain(*response.stream);
    QCOMPARE(events.size(), std::size_t(1));
    COMPARE_JSON(events[0]["object"]["kind"], "Table");
    COMPARE_JSON(events[0]["object"]["rows"][0]["cells"][0], "reviews");
}

void TestApiServer::humanDuration_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("0") << 0 << QStringLiteral("0s");
    QTest::newRow("119") << 119 << QStringLiteral("119s");
    QTest::newRow("2m") << 120 << QStringLiteral("2m");
    QTest::newRow("7m3s") << 423 << QStringLiteral("7m3s");
    QTest::newRow("45m") << 2700 << QStringLiteral("45m");
    QTest::newRow("3h5m") << 3 * 3600 + 300 << QStringLiteral("3h5m");
    QTest::newRow("20h") << 20 * 3600 + 60 << QStringLiteral("20h");
    QTest::newRow("3d2h") << 74 * 3600 << QStringLiteral("3d2h");
    QTest::newRow("30d") << 30 * 86400 << QStringLiteral("30d");
}

void TestApiServer::humanDuration()
{
    QFETCH(int, seconds);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(TableRenderer::humanDuration(std::chrono::seconds(seconds))), expected);
}

void TestApiServer::servesOverHttps()
{
    const TlsCredentials credentials = TlsCredentials::generate();
    ApiListener listener(*m_api, credentials);
    const int port = listener.start(0);
    QTemporaryDir directory;
    const std::string caFile = directory.filePath(QStringLiteral("ca.crt")).toStdString();
    std::ofstream(caFile) << credentials.caCertificatePem();

    httplib::SSLClient client("127.0.0.1", port);
    client.set_ca_cert_path(caFile.c_str());
    client.enable_server_certificate_verification(true);
    auto unauthenticated = client.Get("/api/v1/namespaces/bookinfo/pods");
    QVERIFY2(unauthenticated, httplib::to_string(unauthenticated.error()).c_str());
    QCOMPARE(unauthenticated->status, 401);

    client.set_bearer_token_auth(Token);
    auto pods = client.Get("/api/v1/namespaces/bookinfo/pods?labelSelector=app%3Dreviews");
    QVERIFY(pods);
    QCOMPARE(pods->status, 200);
    COMPARE_JSON(json::parse(pods->body)["items"].size(), std::size_t(3));

    const json patch = {{"spec", {{"hosts", {"reviews", "reviews.bookinfo.svc.cluster.local"}}}}};
    auto patched = client.Patch(ReviewsPath, patch.dump(), "application/merge-patch+json");
    QVERIFY(patched);
    QCOMPARE(patched->status, 200);
    COMPARE_JSON(json::parse(patched->body)["spec"]["hosts"].size(), std::size_t(2));

    auto garbage = client.Patch(ReviewsPath, "{not json", "application/merge-patch+json");
    QVERIFY(garbage);
    QCOMPARE(garbage->status, 400);
    listener.stop();
}

void TestApiServer::httpsWatchSeesAnotherClientsPatch()
{
    const TlsCredentials credentials = TlsCredentials::generate();
    ApiListener listener(*m_api, credentials);
    const int port = listener.start(0);
    QTemporaryDir directory;
    const std::string caFile = directory.filePath(QStringLiteral("ca.crt")).toStdString();
    std::ofstream(caFile) << credentials.caCertificatePem();
    const auto clientFor = [&] {
        auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
        client->set_ca_cert_path(caFile.c_str());
        client->enable_server_certificate_verification(true);
        client->set_bearer_token_auth(Token);
        client->set_read_timeout(30, 0);
        return client;
    };

    auto watcher = clientFor();
    const std::string version = m_store->resourceVersion();
    std::mutex mutex;
    std::string received;
    std::atomic<bool> sawPatch{false};
    std::atomic<int> status{0};
    std::atomic<bool> compressed{false};
    std::thread watching([&] {
        // kubectl and curl accept gzip: a compressed stream would sit in the compressor's buffer.
        auto response = watcher->Get(
            "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices?watch=true&resourceVersion=" + version,
            httplib::Headers{{"Accept-Encoding", "gzip"}},
            [&](const httplib::Response& head) {
                status = head.status;
                compressed = head.has_header("Content-Encoding");
                return true;
            },
            [&](const char* data, std::size_t length) {
                std::lock_guard lock(mutex);
                received.append(data, length);
                sawPatch = received.find("\"watched-by-test\"") != std::string::npos;
                return !sawPatch.load(); // stop reading once the change arrived
            });
        Q_UNUSED(response);
    });

    // Another client patches while the watch is open (and ordinary requests still get served).
    auto writer = clientFor();
    QTRY_COMPARE_WITH_TIMEOUT(status.load(), 200, 10000);
    const auto patched = writer->Patch(ReviewsPath, R"({"metadata":{"labels":{"watched-by-test":"yes"}}})",
                                       "application/merge-patch+json");
    QVERIFY(patched);
    QCOMPARE(patched->status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(sawPatch.load(), 10000);
    watching.join();
    QVERIFY(!compressed.load());
    {
        std::lock_guard lock(mutex);
        const json event = json::parse(received.substr(0, received.find('\n')));
        COMPARE_JSON(event["type"], "MODIFIED");
        COMPARE_JSON(event["object"]["metadata"]["labels"]["watched-by-test"], "yes");
    }

    // An open watch does not hold up stopping the server.
    auto idle = clientFor();
    std::thread idleWatch([&] {
        idle->Get("/api/v1/pods?watch=true&resourceVersion=" + m_store->resourceVersion(),
                  [](const char*, std::size_t) { return true; });
    });
    QTest::qWait(300);
    QElapsedTimer timer;
    timer.start();
    listener.stop();
    idleWatch.join();
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

void TestApiServer::viewerMayReadButNotWrite()
{
    QCOMPARE(sendAs(ViewerToken, "GET", ReviewsPath).status, 200);
    QCOMPARE(sendAs(ViewerToken, "GET", "/api/v1/namespaces/bookinfo/pods", {}, {}, {{"watch", "false"}}).status, 200);
    QCOMPARE(sendAs(ViewerToken, "GET", "/apis").status, 200);
    const std::string before = parsed(send("GET", ReviewsPath))["metadata"]["resourceVersion"];
    const auto response = sendAs(ViewerToken, "PATCH", ReviewsPath, R"({"metadata":{"labels":{"x":"y"}}})",
                                 "application/merge-patch+json");
    QCOMPARE(response.status, 403);
    const json status = parsed(response);
    COMPARE_JSON(status["reason"], "Forbidden");
    COMPARE_JSON(status["code"], 403);
    COMPARE_JSON(status["message"],
                 "virtualservices.networking.istio.io \"reviews\" is forbidden: User \"meshdeck-viewer\" cannot patch "
                 "resource \"virtualservices\" in API group \"networking.istio.io\" in the namespace \"bookinfo\"");
    COMPARE_JSON(status["details"],
                 json({{"name", "reviews"}, {"group", "networking.istio.io"}, {"kind", "virtualservices"}}));
    // Refused before anything ran: the object is untouched.
    COMPARE_JSON(parsed(send("GET", ReviewsPath))["metadata"]["resourceVersion"], before);
    // The admin still may.
    QCOMPARE(send("PATCH", ReviewsPath, R"({"metadata":{"labels":{"x":"y"}}})", "application/merge-patch+json").status, 200);
}

void TestApiServer::forbiddenMessages_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("create a pod") << "POST" << "/api/v1/namespaces/bookinfo/pods"
                                  << R"(pods is forbidden: User "meshdeck-viewer" cannot create resource "pods" in API group "" in the namespace "bookinfo")";
    QTest::newRow("delete a namespace") << "DELETE" << "/api/v1/namespaces/bookinfo"
                                        << R"(namespaces "bookinfo" is forbidden: User "meshdeck-viewer" cannot delete resource "namespaces" in API group "" at the cluster scope)";
    QTest::newRow("replace a deployment") << "PUT" << "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v1"
                                          << R"(deployments.apps "reviews-v1" is forbidden: User "meshdeck-viewer" cannot update resource "deployments" in API group "apps" in the namespace "bookinfo")";
    QTest::newRow("delete a collection") << "DELETE" << "/apis/networking.istio.io/v1/namespaces/bookinfo/destinationrules"
                                         << R"(destinationrules.networking.istio.io is forbidden: User "meshdeck-viewer" cannot deletecollection resource "destinationrules" in API group "networking.istio.io" in the namespace "bookinfo")";
    QTest::newRow("post to discovery") << "POST" << "/apis"
                                       << R"(forbidden: User "meshdeck-viewer" cannot post path "/apis")";
}

void TestApiServer::forbiddenMessages()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, message);
    const auto response = sendAs(ViewerToken, method.toStdString(), path.toStdString(), "{}", "application/json");
    QCOMPARE(response.status, 403);
    COMPARE_JSON(parsed(response)["message"], message.toStdString());
}

void TestApiServer::selfSubjectAccessReview_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("verb");
    QTest::addColumn<QString>("subresource");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("admin patch") << Token << "patch" << "" << true;
    QTest::newRow("viewer patch") << ViewerToken << "patch" << "" << false;
    QTest::newRow("viewer watch") << ViewerToken << "watch" << "" << true;
    QTest::newRow("viewer get status") << ViewerToken << "get" << "status" << true;
    QTest::newRow("viewer create") << ViewerToken << "create" << "" << false;
    QTest::newRow("viewer patch status") << ViewerToken << "patch" << "status" << false;
}

void TestApiServer::selfSubjectAccessReview()
{
    QFETCH(QString, token);
    QFETCH(QString, verb);
    QFETCH(QString, subresource);
    QFETCH(bool, allowed);
    const json review = {{"kind", "SelfSubjectAccessReview"},
                         {"apiVersion", "authorization.k8s.io/v1"},
                         {"metadata", {{"creationTimestamp", nullptr}}},
                         {"spec",
                          {{"resourceAttributes",
                            {{"namespace", "bookinfo"},
                             {"verb", verb.toStdString()},
                             {"group", "networking.istio.io"},
                             {"resource", "virtualservices"},
                             {"subresource", subresource.toStdString()}}}}}};
    const auto response = sendAs(token.toStdString(), "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                 review.dump(), "application/json");
    QCOMPARE(response.status, 201);
    const json answer = parsed(response);
    COMPARE_JSON(answer["kind"], "SelfSubjectAccessReview");
    COMPARE_JSON(answer["spec"], review["spec"]);
    COMPARE_JSON(answer["status"]["allowed"], allowed);

    // The review's answer is what enforcement then does.
    RequestAttributes attributes;
    attributes.verb = verb.toStdString();
    attributes.group = "networking.istio.io";
    attributes.resource = "virtualservices";
    attributes.subresource = subresource.toStdString();
    attributes.namespaceName = "bookinfo";
    const UserInfo user = token == QLatin1String(Token) ? UserInfo{"a", {"system:masters"}}
                                                        : UserInfo{"v", {"meshdeck:viewers", "system:authenticated"}};
    QCOMPARE(Authorizer::allows(user, attributes), allowed);

    const auto empty = sendAs(token.toStdString(), "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                              R"({"spec":{}})", "application/json");
    QCOMPARE(empty.status, 400);
}

void TestApiServer::selfSubjectRulesReviewListsTheEnforcedRules()
{
    const auto response = sendAs(ViewerToken, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                                 R"({"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","spec":{"namespace":"bookinfo"}})",
                                 "application/json");
    QCOMPARE(response.status, 201);
    const json status = parsed(response)["status"];
    COMPARE_JSON(status["incomplete"], false);
    COMPARE_JSON(status["resourceRules"][0],
                 json({{"verbs", {"get", "list", "watch"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}}));
    for (const auto& rule : status["resourceRules"]) {
        for (const auto& verb : rule["verbs"])
            QVERIFY2(verb != "patch" && verb != "update" && verb != "delete" && verb != "*", rule.dump().c_str());
    }
    const json admin = parsed(send("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                                   R"({"spec":{"namespace":"bookinfo"}})", "application/json"))["status"];
    COMPARE_JSON(admin["resourceRules"][0], json({{"verbs", {"*"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}}));
}

void TestApiServer::selfSubjectReviewNamesTheUser()
{
    const auto response = sendAs(ViewerToken, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                 R"({"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"status":{}})",
                                 "application/json");
    QCOMPARE(response.status, 201);
    const json answer = parsed(response);
    COMPARE_JSON(answer["kind"], "SelfSubjectReview");
    COMPARE_JSON(answer["status"]["userInfo"],
                 json({{"username", "meshdeck-viewer"}, {"groups", {"meshdeck:viewers", "system:authenticated"}}}));
    // Create-only: nothing to get, nothing stored.
    QCOMPARE(sendAs(ViewerToken, "GET", "/apis/authentication.k8s.io/v1/selfsubjectreviews").status, 405);
    QCOMPARE(send("DELETE", "/apis/authentication.k8s.io/v1/selfsubjectreviews").status, 405);
    QCOMPARE(sendAs(ViewerToken, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{", "application/json").status,
             400);
}

void TestApiServer::reviewsAreCreateOnlyInDiscovery()
{
    const json authorization = parsed(send("GET", "/apis/authorization.k8s.io/v1"));
    COMPARE_JSON(authorization["resources"].size(), std::size_t(2));
    for (const auto& resource : authorization["resources"]) {
        COMPARE_JSON(resource["verbs"], json({"create"}));
        COMPARE_JSON(resource["namespaced"], false);
    }
    const json authentication = parsed(send("GET", "/apis/authentication.k8s.io/v1"));
    COMPARE_JSON(authentication["resources"][0]["name"], "selfsubjectreviews");
    COMPARE_JSON(authentication["resources"][0]["kind"], "SelfSubjectReview");
}

namespace {

// One length-delimited protobuf field.
std::string protoField(int number, const std::string& payload)
{
    std::string out(1, static_cast<char>((number << 3) | 2));
    std::size_t length = payload.size();
    do {
        const auto byte = static_cast<unsigned char>(length & 0x7f);
        length >>= 7;
        out += static_cast<char>(length ? byte | 0x80 : byte);
    } while (length);
    return out + payload;
}

} // namespace

void TestApiServer::accessReviewAsProtobuf()
{
    // What kubectl auth can-i sends: "k8s\0", runtime.Unknown{typeMeta, raw}.
    const std::string attributes = protoField(1, "bookinfo") + protoField(2, "patch") + protoField(3, "networking.istio.io")
                                   + protoField(5, "virtualservices");
    const std::string review = protoField(1, "") + protoField(2, protoField(1, attributes));
    const std::string typeMeta = protoField(1, "authorization.k8s.io/v1") + protoField(2, "SelfSubjectAccessReview");
    const std::string body = std::string("k8s\0", 4) + protoField(1, typeMeta) + protoField(2, review);
    const std::string path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    const auto admin = send("POST", path, body, "application/vnd.kubernetes.protobuf");
    QCOMPARE(admin.status, 201);
    COMPARE_JSON(parsed(admin)["status"]["allowed"], true);
    COMPARE_JSON(parsed(admin)["spec"]["resourceAttributes"]["resource"], "virtualservices");
    const auto viewer = sendAs(ViewerToken, "POST", path, body, "application/vnd.kubernetes.protobuf");
    COMPARE_JSON(parsed(viewer)["status"]["allowed"], false);
    // Every cut of the body is malformed, never a crash or a wrong answer.
    for (std::size_t length = 0; length < body.size(); ++length) {
        const auto cut = send("POST", path, body.substr(0, length), "application/vnd.kubernetes.protobuf");
        QVERIFY2(cut.status == 400 || cut.status == 201, std::to_string(length).c_str());
        COMPARE_JSON(parsed(cut)["kind"], cut.status == 400 ? "Status" : "SelfSubjectAccessReview");
    }
}

void TestApiServer::listPagesWithLimitAndContinue()
{
    const std::string pods = "/api/v1/namespaces/bookinfo/pods";
    const json all = parsed(send("GET", pods));
    const std::size_t total = all["items"].size();
    QVERIFY(total >= 6);
    std::vector<std::string> seen;
    std::string token;
    std::string firstVersion;
    int pages = 0;
    do {
        std::multimap<std::string, std::string> query = {{"limit", "4"}};
        if (!token.empty())
            query.emplace("continue", token);
        const json page = parsed(send("GET", pods, {}, {}, query));
        QVERIFY2(page["items"].size() <= 4, page.dump().c_str());
        for (const auto& item : page["items"])
            seen.push_back(item["metadata"]["name"]);
        if (pages == 0)
            firstVersion = page["metadata"]["resourceVersion"];
        COMPARE_JSON(page["metadata"]["resourceVersion"], firstVersion);
        token = page["metadata"].value("continue", std::string());
        if (!token.empty())
            COMPARE_JSON(page["metadata"]["remainingItemCount"], total - seen.size());
        ++pages;
    } while (!token.empty() && pages < 10);
    QCOMPARE(seen.size(), total);
    QCOMPARE(pages, static_cast<int>((total + 3) / 4));
    for (std::size_t i = 0; i < total; ++i)
        COMPARE_JSON(seen[i], all["items"][i]["metadata"]["name"]);

    // With a selector: pages of matching items, no count.
    const json selected = parsed(send("GET", pods, {}, {}, {{"limit", "1"}, {"labelSelector", "app=reviews"}}));
    COMPARE_JSON(selected["items"].size(), std::size_t(1));
    QVERIFY(selected["metadata"].contains("continue"));
    QVERIFY(!selected["metadata"].contains("remainingItemCount"));

    // A table page carries the token too (kubectl get pages with --chunk-size).
    const json table = parsed(getAs("application/json;as=Table;v=v1;g=meta.k8s.io", pods, {{"limit", "2"}}));
    COMPARE_JSON(table["rows"].size(), std::size_t(2));
    QVERIFY(table["metadata"].contains("continue"));

    for (const char* bad : {"nope", "AAAA", "e30=", "eyJ2IjoibWVzaGRlY2suY29udGludWUvdjEifQ=="})
        QCOMPARE(send("GET", pods, {}, {}, {{"limit", "2"}, {"continue", bad}}).status, 400);
    QCOMPARE(send("GET", pods, {}, {}, {{"limit", "-1"}}).status, 400);
}

void TestApiServer::malformedAndTruncatedBodiesAlwaysGetAStatus()
{
    const std::string valid = R"({"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"fuzz","namespace":"bookinfo"},"spec":{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":100}]}]}})";
    std::vector<std::string> bodies = {"", "{", "}", "[]", "null", "\"x\"", "42", "{\"metadata\":5}", "{\"metadata\":{\"name\":7}}",
                                       "{\"spec\":{\"http\":\"x\"}}", "[{\"op\":\"replace\",\"path\":\"/spec\"}]",
                                       "[{\"op\":\"nope\"}]", "apiVersion: v1\nkind: [", std::string("{\"a\":\"\0\"}", 9),
                                       "\xff\xfe\x00garbage", std::string(2000, '[') , "k8s"};
    // The valid document cut at every 17th byte: what a dropped connection delivers.
    for (std::size_t cut = 1; cut < valid.size(); cut += 17)
        bodies.push_back(valid.substr(0, cut));
    const std::vector<std::string> types = {"application/json", "application/merge-patch+json", "application/json-patch+json",
                                            "application/apply-patch+yaml", "application/strategic-merge-patch+json",
                                            "application/vnd.kubernetes.protobuf", "text/plain", ""};
    const std::string pod = parsed(send("GET", "/api/v1/namespaces/bookinfo/pods"))["items"][0]["metadata"]["name"];
    const std::vector<std::string> paths = {ReviewsPath, "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices",
                                            "/apis/networking.istio.io/v1beta1/namespaces/bookinfo/destinationrules/reviews",
                                            "/api/v1/namespaces/bookinfo/pods", "/api/v1/namespaces/bookinfo/pods/" + pod + "/log",
                                            "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v1",
                                            "/apis/batch/v1/namespaces/bookinfo/jobs", "/apis/batch/v1/namespaces/bookinfo/jobs/fuzz",
                                            "/api/v1/namespaces/bookinfo/configmaps/fuzz",
                                            "/apis/gateway.networking.k8s.io/v1/namespaces/bookinfo/httproutes/fuzz",
                                            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "/apis"};
    int requests = 0;
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "GET"}) {
        for (const auto& type : types) {
            for (const auto& path : paths) {
                for (const auto& body : bodies) {
                    for (const char* token : {Token, ViewerToken}) {
                        // With a field manager, so applies get past that check to the body.
                        const auto response = sendAs(token, method, path, body, type,
                                                     {{"fieldManager", "fuzz"}, {"force", requests % 2 ? "true" : "false"}});
                        ++requests;
                        const json answer = parsed(response);
                        const std::string where = std::string(method) + ' ' + path + ' ' + type + " [" + body.substr(0, 40) + "]";
                        QVERIFY2(answer.is_object(), where.c_str());
                        QVERIFY2(response.status >= 200 && response.status < 600, where.c_str());
                        if (response.status >= 400) {
                            QVERIFY2(answer["kind"] == "Status" && answer["code"] == response.status, where.c_str());
                            QVERIFY2(response.status < 500, (where + " -> " + response.body).c_str());
                        }
                    }
                }
            }
        }
    }
    QVERIFY(requests > 15000);
    // Still serving, and what it stores still reads back as objects.
    QCOMPARE(send("GET", "/apis").status, 200);
    const auto list = send("GET", "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices");
    QCOMPARE(list.status, 200);
    const json items = parsed(list)["items"];
    QVERIFY(!items.empty());
    for (const auto& item : items)
        QVERIFY(item["metadata"]["name"].is_string());
}

void TestApiServer::aggregatedDiscoveryListsEveryResource()
{
    const std::string accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                               "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    const auto apis = getAs(accept, "/apis");
    QCOMPARE(apis.status, 200);
    QCOMPARE(QString::fromStdString(apis.contentType), QString::fromLatin1(DiscoveryDocuments::AggregatedMediaType));
    const json groups = parsed(apis);
    COMPARE_JSON(groups["kind"], "APIGroupDiscoveryList");
    std::map<std::string, json> resources; // "group/version/resource"
    for (const auto& group : groups["items"]) {
        for (const auto& version : group["versions"]) {
            for (const auto& resource : version["resources"])
                resources[group["metadata"]["name"].get<std::string>() + '/' + version["version"].get<std::string>() + '/'
                          + resource["resource"].get<std::string>()] = resource;
        }
    }
    for (const char* key : {"batch/v1/jobs", "coordination.k8s.io/v1/leases", "networking.istio.io/v1/gateways",
                            "networking.istio.io/v1beta1/virtualservices", "networking.istio.io/v1alpha3/destinationrules",
                            "gateway.networking.k8s.io/v1/httproutes", "apps/v1/deployments"})
        QVERIFY2(resources.count(key), key);
    COMPARE_JSON(resources["batch/v1/jobs"]["categories"], json({"all"}));
    COMPARE_JSON(resources["networking.istio.io/v1/virtualservices"]["shortNames"], json({"vs"}));
    COMPARE_JSON(resources["networking.istio.io/v1/gateways"]["scope"], "Namespaced");

    const json core = parsed(getAs(accept, "/api"));
    QCOMPARE(core["items"].size(), std::size_t(1));
    std::set<std::string> coreNames;
    json pods;
    for (const auto& resource : core["items"][0]["versions"][0]["resources"]) {
        coreNames.insert(resource["resource"]);
        if (resource["resource"] == "pods")
            pods = resource;
    }
    for (const char* name : {"endpoints", "configmaps", "secrets", "events", "serviceaccounts", "namespaces"})
        QVERIFY2(coreNames.count(name), name);
    COMPARE_JSON(pods["subresources"][0]["subresource"], "log");
    COMPARE_JSON(pods["categories"], json({"all"}));
    // Legacy discovery lists the subresource too, and the plain Accept still gets the legacy form.
    bool logListed = false;
    const json legacy = parsed(send("GET", "/api/v1"));
    for (const auto& resource : legacy["resources"])
        logListed = logListed || resource["name"] == "pods/log";
    QVERIFY(logListed);
    COMPARE_JSON(parsed(getAs("application/json", "/apis"))["kind"], "APIGroupList");
}

void TestApiServer::istioKindsServedAtOlderVersions()
{
    const json v1 = parsed(send("GET", ReviewsPath));
    for (const char* version : {"v1beta1", "v1alpha3"}) {
        const std::string path = std::string("/apis/networking.istio.io/") + version + "/namespaces/bookinfo/virtualservices/reviews";
        const json read = parsed(send("GET", path));
        COMPARE_JSON(read["apiVersion"], std::string("networking.istio.io/") + version);
        COMPARE_JSON(read["metadata"]["uid"], v1["metadata"]["uid"]);
        COMPARE_JSON(read["spec"], v1["spec"]);
        const json list = parsed(send("GET", std::string("/apis/networking.istio.io/") + version + "/namespaces/bookinfo/destinationrules"));
        COMPARE_JSON(list["apiVersion"], std::string("networking.istio.io/") + version);
        COMPARE_JSON(list["items"][0]["apiVersion"], std::string("networking.istio.io/") + version);
    }
    // A write at v1beta1 is the same object at v1, and a v1alpha3 watch sees it in its own version.
    const auto watch = send("GET", "/apis/networking.istio.io/v1alpha3/namespaces/bookinfo/virtualservices", {}, {},
                            {{"watch", "true"}, {"resourceVersion", m_store->resourceVersion()}});
    QVERIFY(watch.stream);
    const auto patched = send("PATCH", "/apis/networking.istio.io/v1beta1/namespaces/bookinfo/virtualservices/reviews",
                              R"({"metadata":{"labels":{"written-at":"v1beta1"}}})", "application/merge-patch+json");
    QCOMPARE(patched.status, 200);
    COMPARE_JSON(parsed(patched)["apiVersion"], "networking.istio.io/v1beta1");
    const json stored = parsed(send("GET", ReviewsPath));
    COMPARE_JSON(stored["apiVersion"], "networking.istio.io/v1");
    COMPARE_JSON(stored["metadata"]["labels"]["written-at"], "v1beta1");
    const auto events = drain(*watch.stream);
    QCOMPARE(events.size(), std::size_t(1));
    COMPARE_JSON(events[0]["object"]["apiVersion"], "networking.istio.io/v1alpha3");

    const json gateway = {{"apiVersion", "networking.istio.io/v1alpha3"},
                          {"kind", "Gateway"},
                          {"metadata", {{"name", "bookinfo-gateway"}}},
                          {"spec", {{"selector", {{"istio", "ingressgateway"}}}, {"servers", json::array()}}}};
    const auto created = send("POST", "/apis/networking.istio.io/v1alpha3/namespaces/bookinfo/gateways", gateway.dump(),
                              "application/json");
    QCOMPARE(created.status, 201);
    COMPARE_JSON(parsed(send("GET", "/apis/networking.istio.io/v1/namespaces/bookinfo/gateways/bookinfo-gateway"))["apiVersion"],
                 "networking.istio.io/v1");
}

void TestApiServer::strategicMergePatchMergesListsByKey()
{
    const std::string path = "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v1";
    json before = parsed(send("GET", path));
    const std::string app = before["spec"]["template"]["spec"]["containers"][0]["name"];
    const json patch = {{"spec",
                         {{"template",
                           {{"spec",
                             {{"containers",
                               {{{"name", app}, {"env", {{{"name", "LOG_DIR"}, {"value", "/tmp/logs"}}, {{"name", "MODE"}, {"value", "demo"}}}}},
                                {{"name", "helper"}, {"image", "busybox"}}}}}}}}}}};
    const auto response = send("PATCH", path, patch.dump(), "application/strategic-merge-patch+json", {{"fieldManager", "tester"}});
    QCOMPARE(response.status, 200);
    const json after = parsed(response);
    const json containers = after["spec"]["template"]["spec"]["containers"];
    QCOMPARE(containers.size(), std::size_t(2));
    // The existing container was merged by name, keeping its image and ports; the new one appended.
    COMPARE_JSON(containers[0]["image"], before["spec"]["template"]["spec"]["containers"][0]["image"]);
    COMPARE_JSON(containers[0]["ports"], before["spec"]["template"]["spec"]["containers"][0]["ports"]);
    std::map<std::string, std::string> env;
    for (const auto& variable : containers[0]["env"])
        env[variable["name"]] = variable["value"];
    COMPARE_JSON(env["LOG_DIR"], "/tmp/logs");
    COMPARE_JSON(env["MODE"], "demo");
    COMPARE_JSON(containers[1]["name"], "helper");
    COMPARE_JSON(after["metadata"]["generation"], before["metadata"]["generation"].get<int>() + 1);

    // $patch: delete removes one element by its key; a plain merge patch would have replaced the list.
    const json remove = {{"spec",
                          {{"template",
                            {{"spec",
                              {{"containers",
                                {{{"name", app}, {"env", {{{"name", "MODE"}, {"$patch", "delete"}}}}},
                                 {{"name", "helper"}, {"$patch", "delete"}}}}}}}}}}};
    const json removed = parsed(send("PATCH", path, remove.dump(), "application/strategic-merge-patch+json"));
    const json remaining = removed["spec"]["template"]["spec"]["containers"];
    QCOMPARE(remaining.size(), std::size_t(1));
    QCOMPARE(remaining[0]["env"].size(), std::size_t(1));
    COMPARE_JSON(remaining[0]["env"][0]["name"], "LOG_DIR");
    // The manager that made the change owned what it added (LOG_DIR kept its value: not a change);
    // with those elements deleted it owns nothing and its entry is gone.
    const json owned = after["metadata"]["managedFields"];
    QCOMPARE(owned.size(), std::size_t(1));
    COMPARE_JSON(owned[0]["manager"], "tester");
    const json containerFields = owned[0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"];
    QVERIFY2(containerFields.contains(R"(k:{"name":"helper"})"), containerFields.dump().c_str());
    QVERIFY(containerFields["k:{\"name\":\"" + app + "\"}"]["f:env"].contains(R"(k:{"name":"MODE"})"));
    QVERIFY(!containerFields["k:{\"name\":\"" + app + "\"}"]["f:env"].contains(R"(k:{"name":"LOG_DIR"})"));
    QVERIFY2(!removed["metadata"].contains("managedFields"), removed["metadata"].dump().c_str());

    // Service ports merge by port; a bad directive is a 400, never a crash.
    const json ports = {{"spec", {{"ports", {{{"port", 9080}, {"name", "http-renamed"}}}}}}};
    const json service = parsed(send("PATCH", "/api/v1/namespaces/bookinfo/services/reviews", ports.dump(),
                                     "application/strategic-merge-patch+json"));
    QCOMPARE(service["spec"]["ports"].size(), std::size_t(1));
    COMPARE_JSON(service["spec"]["ports"][0]["name"], "http-renamed");
    QCOMPARE(send("PATCH", path, R"({"spec":{"$patch":"explode"}})", "application/strategic-merge-patch+json").status, 400);
    QCOMPARE(send("PATCH", path, R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})",
                  "application/strategic-merge-patch+json")
                 .status,
             400);
}

void TestApiServer::serverSideApplyCreatesAndOwnsFields()
{
    const std::string path = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/canary";
    const json config = {{"apiVersion", "networking.istio.io/v1"},
                         {"kind", "VirtualService"},
                         {"metadata", {{"name", "canary"}, {"labels", {{"team", "a"}}}}},
                         {"spec", {{"hosts", {"canary"}}, {"http", {{{"route", {{{"destination", {{"host", "canary"}}}}}}}}}}}};
    QCOMPARE(send("PATCH", path, config.dump(), "application/apply-patch+yaml").status, 422); // no fieldManager
    const auto created = send("PATCH", path, config.dump(), "application/apply-patch+yaml", {{"fieldManager", "alice"}});
    QCOMPARE(created.status, 201);
    const json object = parsed(created);
    COMPARE_JSON(object["metadata"]["namespace"], "bookinfo");
    COMPARE_JSON(object["metadata"]["generation"], 1);
    const json managed = object["metadata"]["managedFields"];
    QCOMPARE(managed.size(), std::size_t(1));
    COMPARE_JSON(managed[0]["manager"], "alice");
    COMPARE_JSON(managed[0]["operation"], "Apply");
    COMPARE_JSON(managed[0]["apiVersion"], "networking.istio.io/v1");
    COMPARE_JSON(managed[0]["fieldsType"], "FieldsV1");
    COMPARE_JSON(managed[0]["fieldsV1"],
                 json({{"f:metadata", {{"f:labels", {{"f:team", json::object()}}}}},
                       {"f:spec", {{"f:hosts", json::object()}, {"f:http", json::object()}}}}));

    // The same apply again changes nothing, not even the resourceVersion.
    const json again = parsed(send("PATCH", path, config.dump(), "application/apply-patch+yaml", {{"fieldManager", "alice"}}));
    COMPARE_JSON(again["metadata"]["resourceVersion"], object["metadata"]["resourceVersion"]);

    // YAML works as well; a field the manager no longer applies is removed.
    const std::string yaml = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: canary\n"
                             "spec:\n  hosts: [canary]\n  http:\n  - route:\n    - destination: {host: canary}\n";
    const auto trimmed = send("PATCH", path, yaml, "application/apply-patch+yaml", {{"fieldManager", "alice"}});
    QCOMPARE(trimmed.status, 200);
    QVERIFY2(!parsed(trimmed)["metadata"].contains("labels") || parsed(trimmed)["metadata"]["labels"].empty(), trimmed.body.c_str());

    // A merge patch by someone else makes them the owner of what they changed, and only of that.
    const json label = {{"metadata", {{"labels", {{"owner", "bob"}}}}}};
    const json labelled = parsed(send("PATCH", path, label.dump(), "application/merge-patch+json", {{"fieldManager", "bob"}}));
    json bob;
    for (const auto& entry : labelled["metadata"]["managedFields"]) {
        if (entry["manager"] == "bob")
            bob = entry;
    }
    COMPARE_JSON(bob["operation"], "Update");
    COMPARE_JSON(bob["fieldsV1"], json({{"f:metadata", {{"f:labels", {{"f:owner", json::object()}}}}}}));
    QCOMPARE(send("PATCH", path, "apiVersion: v1\nkind: [", "application/apply-patch+yaml", {{"fieldManager", "alice"}}).status, 400);
    QCOMPARE(send("PATCH", path, R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"canary"}})",
                  "application/apply-patch+yaml", {{"fieldManager", "alice"}})
                 .status,
             400);
}

void TestApiServer::serverSideApplyConflictsAndForce()
{
    // kubectl's client-side apply created the object: its manager owns the routes.
    const std::string path = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/ratings";
    const json weights = {{"spec", {{"http", {{{"route", {{{"destination", {{"host", "ratings"}, {"subset", "v1"}}}, {"weight", 100}}}}}}}}}};
    QCOMPARE(send("PATCH", path, weights.dump(), "application/merge-patch+json", {{"fieldManager", "kubectl-client-side-apply"}}).status,
             200);
    const json before = parsed(send("GET", path));
    const json config = {{"apiVersion", "networking.istio.io/v1"},
                         {"kind", "VirtualService"},
                         {"metadata", {{"name", "ratings"}}},
                         {"spec",
                          {{"hosts", before["spec"]["hosts"]},
                           {"http", {{{"route", {{{"destination", {{"host", "ratings"}, {"subset", "v2"}}}}}}}}}}}};
    const auto refused = send("PATCH", path, config.dump(), "application/apply-patch+yaml", {{"fieldManager", "meshdeck"}});
    QCOMPARE(refused.status, 409);
    const json status = parsed(refused);
    COMPARE_JSON(status["reason"], "Conflict");
    COMPARE_JSON(status["message"], "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using "
                                    "networking.istio.io/v1: .spec.http");
    COMPARE_JSON(status["details"]["causes"][0],
                 json({{"reason", "FieldManagerConflict"},
                       {"message", "conflict with \"kubectl-client-side-apply\" using networking.istio.io/v1"},
                       {"field", ".spec.http"}}));
    COMPARE_JSON(parsed(send("GET", path)), before);

    // Forced: the applier takes the field over; the value it applied is what is stored.
    const auto forced = send("PATCH", path, config.dump(), "application/apply-patch+yaml",
                             {{"fieldManager", "meshdeck"}, {"force", "true"}});
    QCOMPARE(forced.status, 200);
    const json after = parsed(forced);
    COMPARE_JSON(after["spec"]["http"][0]["route"][0]["destination"]["subset"], "v2");
    for (const auto& entry : after["metadata"]["managedFields"]) {
        const auto fields = entry["fieldsV1"];
        if (entry["manager"] == "meshdeck")
            QVERIFY(fields["f:spec"].contains("f:http"));
        else
            QVERIFY2(!fields.contains("f:spec") || !fields["f:spec"].contains("f:http"), entry.dump().c_str());
    }
    // Two managers applying the same value share the field without conflict.
    const auto shared = send("PATCH", path, config.dump(), "application/apply-patch+yaml", {{"fieldManager", "carol"}});
    QCOMPARE(shared.status, 200);
    // Several conflicts are listed by manager.
    json other = config;
    other["spec"]["hosts"] = {"elsewhere"};
    other["spec"]["http"][0]["route"][0]["destination"]["subset"] = "v3";
    const json many = parsed(send("PATCH", path, other.dump(), "application/apply-patch+yaml", {{"fieldManager", "dave"}}));
    QVERIFY2(many["message"].get<std::string>().starts_with("Apply failed with "), many.dump().c_str());
    QVERIFY2(many["message"].get<std::string>().find("conflicts with \"carol\":\n- .spec.hosts") != std::string::npos,
             many.dump().c_str());
}

void TestApiServer::serverSideApplyThroughTheNewKinds_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("object");
    QTest::newRow("configmap") << "/api/v1/namespaces/bookinfo/configmaps/settings"
                               << R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"1"}})";
    QTest::newRow("secret") << "/api/v1/namespaces/bookinfo/secrets/token"
                            << R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"token"},"data":{"t":"c2VjcmV0"}})";
    QTest::newRow("lease") << "/apis/coordination.k8s.io/v1/namespaces/bookinfo/leases/leader"
                           << R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader"},"spec":{"holderIdentity":"me"}})";
    QTest::newRow("httproute") << "/apis/gateway.networking.k8s.io/v1/namespaces/bookinfo/httproutes/reviews"
                               << R"({"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"reviews"},"spec":{"parentRefs":[{"name":"mesh"}],"rules":[{"backendRefs":[{"name":"reviews-v1","port":9080,"weight":90},{"name":"reviews-v2","port":9080,"weight":10}]}]}})";
    QTest::newRow("gateway") << "/apis/networking.istio.io/v1/namespaces/bookinfo/gateways/gw"
                             << R"({"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw"},"spec":{"selector":{"istio":"ingressgateway"}}})";
    QTest::newRow("serviceaccount") << "/api/v1/namespaces/bookinfo/serviceaccounts/robot"
                                    << R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"robot"},"automountServiceAccountToken":false})";
}

void TestApiServer::serverSideApplyThroughTheNewKinds()
{
    QFETCH(QString, path);
    QFETCH(QString, object);
    const auto created = send("PATCH", path.toStdString(), object.toStdString(), "application/apply-patch+yaml",
                              {{"fieldManager", "tester"}});
    QVERIFY2(created.status == 201, created.body.c_str());
    const json read = parsed(send("GET", path.toStdString()));
    COMPARE_JSON(read["metadata"]["uid"], parsed(created)["metadata"]["uid"]);
    COMPARE_JSON(read["metadata"]["managedFields"][0]["manager"], "tester");
    // Listed in the collection, deleted, gone.
    const std::string collection = path.toStdString().substr(0, path.toStdString().rfind('/'));
    QVERIFY(!parsed(send("GET", collection))["items"].empty());
    QCOMPARE(send("DELETE", path.toStdString()).status, 200);
    QCOMPARE(send("GET", path.toStdString()).status, 404);
}

void TestApiServer::staleResourceVersionConflictsForEveryWrite_data()
{
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("method");
    QTest::newRow("put") << "application/json" << "PUT";
    QTest::newRow("merge patch") << "application/merge-patch+json" << "PATCH";
    QTest::newRow("json patch") << "application/json-patch+json" << "PATCH";
    QTest::newRow("strategic merge patch") << "application/strategic-merge-patch+json" << "PATCH";
    QTest::newRow("apply") << "application/apply-patch+yaml" << "PATCH";
}

void TestApiServer::staleResourceVersionConflictsForEveryWrite()
{
    QFETCH(QString, contentType);
    QFETCH(QString, method);
    const std::string path = "/api/v1/namespaces/bookinfo/services/ratings";
    json current = parsed(send("GET", path));
    const std::string stale = current["metadata"]["resourceVersion"];
    QCOMPARE(send("PATCH", path, R"({"metadata":{"labels":{"bumped":"yes"}}})", "application/merge-patch+json").status, 200);
    current["metadata"]["resourceVersion"] = stale;
    current["metadata"]["labels"]["stale"] = "write";
    std::string body;
    const std::string type = contentType.toStdString();
    if (type == "application/json-patch+json")
        body = json::array({{{"op", "replace"}, {"path", "/metadata/resourceVersion"}, {"value", stale}},
                            {{"op", "add"}, {"path", "/metadata/labels/stale"}, {"value", "write"}}})
                   .dump();
    else if (type == "application/apply-patch+yaml")
        body = json({{"apiVersion", "v1"},
                     {"kind", "Service"},
                     {"metadata", {{"name", "ratings"}, {"resourceVersion", stale}, {"labels", {{"stale", "write"}}}}}})
                   .dump();
    else if (type == "application/json")
        body = current.dump();
    else
        body = json({{"metadata", {{"resourceVersion", stale}, {"labels", {{"stale", "write"}}}}}}).dump();
    const json before = parsed(send("GET", path));
    const auto response = send(method.toStdString(), path, body, type, {{"fieldManager", "tester"}});
    QCOMPARE(response.status, 409);
    COMPARE_JSON(parsed(response)["reason"], "Conflict");
    COMPARE_JSON(parsed(send("GET", path)), before);
}

json TestApiServer::runJob(const std::string& name, const std::string& exitCode, int backoffLimit)
{
    json job = {{"apiVersion", "batch/v1"}, {"kind", "Job"}};
    job["metadata"] = {{"name", name},
                       {"annotations", {{JobController::DurationAnnotation, "5"}, {JobController::ExitCodeAnnotation, exitCode}}}};
    const json container = {{"name", "migrate"}, {"image", "busybox:1.36"}, {"command", {"sh", "-c", "echo migrating"}}};
    job["spec"]["backoffLimit"] = backoffLimit;
    job["spec"]["template"]["spec"] = {{"restartPolicy", "Never"}, {"containers", json::array({container})}};
    const auto created = send("POST", "/apis/batch/v1/namespaces/bookinfo/jobs", job.dump(), "application/json");
    if (created.status != 201)
        return parsed(created);
    JobController controller(*m_store, ResourceRegistry::builtin());
    // Simulated time: every pass is ten seconds later, so each pod outlives its five seconds.
    auto now = std::chrono::system_clock::now();
    for (int pass = 0; pass < 2 * (backoffLimit + 2); ++pass) {
        controller.reconcile(now);
        now += std::chrono::seconds(10);
    }
    return parsed(send("GET", "/apis/batch/v1/namespaces/bookinfo/jobs/" + name));
}

void TestApiServer::jobsSucceedOrFail_data()
{
    QTest::addColumn<QString>("exitCode");
    QTest::addColumn<int>("backoffLimit");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("podStatus");
    QTest::addColumn<int>("pods");
    QTest::newRow("succeeds") << "0" << 6 << "Complete" << "Completed" << 1;
    QTest::newRow("fails, no retry") << "3" << 0 << "Failed" << "Error" << 1;
    QTest::newRow("fails after retries") << "1" << 2 << "Failed" << "Error" << 3;
}

void TestApiServer::jobsSucceedOrFail()
{
    QFETCH(QString, exitCode);
    QFETCH(int, backoffLimit);
    QFETCH(QString, condition);
    QFETCH(QString, podStatus);
    QFETCH(int, pods);
    const json job = runJob("migrate", exitCode.toStdString(), backoffLimit);
    const std::string uid = job["metadata"]["uid"];
    // The selector and labels the API server generates tie the pods to this Job.
    COMPARE_JSON(job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"], uid);
    COMPARE_JSON(job["metadata"]["generation"], 1);
    bool found = false;
    for (const auto& entry : job["status"]["conditions"])
        found = found || (entry["type"] == condition.toStdString() && entry["status"] == "True");
    QVERIFY2(found, job.dump().c_str());
    COMPARE_JSON(job["status"]["active"], 0);
    if (condition == QLatin1String("Complete")) {
        COMPARE_JSON(job["status"]["succeeded"], 1);
        QVERIFY(job["status"].contains("completionTime"));
    } else {
        COMPARE_JSON(job["status"]["failed"], pods);
        COMPARE_JSON(job["status"]["conditions"][1]["reason"], "BackoffLimitExceeded");
    }

    const json list = parsed(send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {},
                                  {{"labelSelector", "batch.kubernetes.io/controller-uid=" + uid}}));
    QCOMPARE(int(list["items"].size()), pods);
    const json pod = list["items"][0];
    COMPARE_JSON(pod["metadata"]["ownerReferences"][0]["kind"], "Job");
    COMPARE_JSON(pod["metadata"]["labels"]["job-name"], "migrate");
    const std::string accept = "application/json;as=Table;v=v1;g=meta.k8s.io";
    const json podTable = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/pods/" + pod["metadata"]["name"].get<std::string>()));
    COMPARE_JSON(podTable["rows"][0]["cells"][2], podStatus.toStdString());

    // Its log is what the pod printed, ending with the outcome.
    const auto log = send("GET", "/api/v1/namespaces/bookinfo/pods/" + pod["metadata"]["name"].get<std::string>() + "/log");
    QCOMPARE(log.status, 200);
    QCOMPARE(QString::fromStdString(log.contentType), QStringLiteral("text/plain"));
    QVERIFY2(log.body.starts_with("Starting job migrate in pod " + pod["metadata"]["name"].get<std::string>()), log.body.c_str());
    QVERIFY2(log.body.find("+ sh -c echo migrating\n") != std::string::npos, log.body.c_str());
    const std::string ending = exitCode == QLatin1String("0") ? "Completed successfully after " : "Error: exited with code " + exitCode.toStdString();
    QVERIFY2(log.body.find(ending) != std::string::npos, log.body.c_str());

    // The job table and the events the controller recorded.
    const json jobTable = parsed(getAs(accept, "/apis/batch/v1/namespaces/bookinfo/jobs/migrate"));
    COMPARE_JSON(jobTable["columnDefinitions"][1]["name"], "Status");
    COMPARE_JSON(jobTable["rows"][0]["cells"][1], condition.toStdString());
    COMPARE_JSON(jobTable["rows"][0]["cells"][2], condition == QLatin1String("Complete") ? "1/1" : "0/1");
    std::set<std::string> reasons;
    const json events = parsed(send("GET", "/api/v1/namespaces/bookinfo/events"));
    for (const auto& event : events["items"]) {
        if (event["involvedObject"]["uid"] == uid)
            reasons.insert(event["reason"]);
    }
    QVERIFY(reasons.count("SuccessfulCreate"));
    QVERIFY(reasons.count(condition == QLatin1String("Complete") ? "Completed" : "BackoffLimitExceeded"));

    // Deleting the Job collects its pods, and their logs go with them.
    QCOMPARE(send("DELETE", "/apis/batch/v1/namespaces/bookinfo/jobs/migrate").status, 200);
    JobController(*m_store, ResourceRegistry::builtin()).reconcile();
    COMPARE_JSON(parsed(send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {},
                             {{"labelSelector", "batch.kubernetes.io/controller-uid=" + uid}}))["items"].size(),
                 std::size_t(0));
}

void TestApiServer::podLogsAndFollow()
{
    const json pod = parsed(send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {}, {{"labelSelector", "app=ratings"}}))["items"][0];
    const std::string name = pod["metadata"]["name"];
    const std::string path = "/api/v1/namespaces/bookinfo/pods/" + name + "/log";
    // Two containers (the app and istio-proxy): one must be named, as a real kubelet insists.
    const auto unnamed = send("GET", path);
    QCOMPARE(unnamed.status, 400);
    COMPARE_JSON(parsed(unnamed)["message"], "a container name must be specified for pod " + name + ", choose one of: [ratings istio-proxy]");
    QCOMPARE(send("GET", path, {}, {}, {{"container", "nope"}}).status, 400);
    const auto startup = send("GET", path, {}, {}, {{"container", "ratings"}});
    QCOMPARE(startup.status, 200);
    QVERIFY2(startup.body.find("Listening on port 9080\n") != std::string::npos, startup.body.c_str());
    QCOMPARE(sendAs(ViewerToken, "GET", path, {}, {}, {{"container", "ratings"}}).status, 200); // pods/log is a read

    PodLogs& logs = m_store->podLogs();
    const std::string key = "bookinfo/" + name;
    const auto tail = send("GET", path, {}, {}, {{"container", "ratings"}, {"tailLines", "1"}});
    QCOMPARE(std::count(tail.body.begin(), tail.body.end(), '\n'), 1);
    const auto stamped = send("GET", path, {}, {}, {{"container", "ratings"}, {"timestamps", "true"}, {"limitBytes", "10"}});
    QCOMPARE(stamped.body.size(), std::size_t(10));
    QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-")).match(QString::fromStdString(stamped.body)).hasMatch());

    // A follow starts with what is there, delivers later lines as they come, and ends when the
    // container terminates.
    const auto follow = send("GET", path, {}, {}, {{"container", "ratings"}, {"follow", "true"}, {"tailLines", "0"}});
    QVERIFY(follow.stream);
    std::string text;
    QVERIFY(follow.stream->next(text, std::chrono::milliseconds(20)));
    QCOMPARE(text, std::string());
    logs.append(key, "ratings", "GET /ratings/0 200");
    QVERIFY(follow.stream->next(text, std::chrono::milliseconds(1000)));
    QCOMPARE(text, std::string("GET /ratings/0 200\n"));
    logs.append(key, "ratings", "shutting down");
    logs.finish(key, "ratings");
    QVERIFY(!follow.stream->next(text, std::chrono::milliseconds(1000)));
    QCOMPARE(text, std::string("GET /ratings/0 200\nshutting down\n"));

    // A follow of a pod that is deleted ends too.
    const auto proxy = send("GET", path, {}, {}, {{"container", "istio-proxy"}, {"follow", "true"}});
    QVERIFY(proxy.stream);
    std::string proxyText;
    QVERIFY(proxy.stream->next(proxyText, std::chrono::milliseconds(100)));
    QVERIFY2(proxyText.find("Envoy proxy is ready") != std::string::npos, proxyText.c_str());
    QCOMPARE(send("DELETE", "/api/v1/namespaces/bookinfo/pods/" + name).status, 200);
    QVERIFY(!proxy.stream->next(proxyText, std::chrono::milliseconds(1000)));
    QCOMPARE(send("GET", path, {}, {}, {{"container", "ratings"}}).status, 404);
}

void TestApiServer::stateDirectorySurvivesARestart()
{
    QTemporaryDir directory;
    const std::filesystem::path state = directory.filePath(QStringLiteral("state")).toStdString();
    std::string versionBefore;
    json reviews;
    json configMap;
    {
        ObjectStore store;
        QCOMPARE(store.persistTo(state), std::size_t(0));
        seed(store);
        const ApiServer api(store, ResourceRegistry::builtin(), m_authenticator, m_proxy);
        ApiRequest patch;
        patch.method = "PATCH";
        patch.path = ReviewsPath;
        patch.headers = {{"authorization", std::string("Bearer ") + Token}, {"content-type", "application/merge-patch+json"}};
        patch.body = R"({"metadata":{"labels":{"survives":"restart"}}})";
        reviews = parsed(api.handle(patch));
        ApiRequest remove;
        remove.method = "DELETE";
        remove.path = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/ratings";
        remove.headers = patch.headers;
        QCOMPARE(api.handle(remove).status, 200);
        // A name that must not escape the directory.
        ApiRequest create;
        create.method = "POST";
        create.path = "/api/v1/namespaces/bookinfo/configmaps";
        create.headers = {{"authorization", std::string("Bearer ") + Token}, {"content-type", "application/json"}};
        create.body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"../../escape"},"data":{"k":"v"}})";
        configMap = parsed(api.handle(create));
        versionBefore = store.resourceVersion();
    }
    QVERIFY(!std::filesystem::exists(state / "objects" / "escape.json"));
    QVERIFY(!std::filesystem::exists(state.parent_path() / "escape.json"));

    ObjectStore restarted;
    QVERIFY(restarted.persistTo(state) > 10);
    m_api = std::make_unique<ApiServer>(restarted, ResourceRegistry::builtin(), m_authenticator, m_proxy);
    COMPARE_JSON(parsed(send("GET", ReviewsPath)), reviews);
    QCOMPARE(send("GET", "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/ratings").status, 404);
    bool escapeKept = false;
    const json configMaps = parsed(send("GET", "/api/v1/namespaces/bookinfo/configmaps"));
    for (const auto& item : configMaps["items"])
        escapeKept = escapeKept || item == configMap;
    QVERIFY(escapeKept);
    QCOMPARE(restarted.resourceVersion(), versionBefore);
    // Versions go on from where they were; a watch from before the restart must relist.
    const json next = parsed(send("PATCH", ReviewsPath, R"({"metadata":{"labels":{"after":"restart"}}})",
                                  "application/merge-patch+json"));
    QVERIFY(std::stoull(next["metadata"]["resourceVersion"].get<std::string>()) > std::stoull(versionBefore));
    const auto old = send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {},
                          {{"watch", "true"}, {"resourceVersion", std::to_string(std::stoull(versionBefore) - 1)}});
    QVERIFY(old.stream);
    const auto events = drain(*old.stream);
    QCOMPARE(events.size(), std::size_t(1));
    COMPARE_JSON(events[0]["object"]["code"], 410);
    const auto current = send("GET", "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices", {}, {},
                              {{"watch", "true"}, {"resourceVersion", versionBefore}});
    const auto resumed = drain(*current.stream);
    QCOMPARE(resumed.size(), std::size_t(1));
    COMPARE_JSON(resumed[0]["object"]["metadata"]["labels"]["after"], "restart");
    m_api.reset(); // it refers to the local store

    // An unusable directory is an error, not a silent in-memory cluster.
    ObjectStore refused;
    const std::filesystem::path file = directory.filePath(QStringLiteral("a-file")).toStdString();
    std::ofstream(file) << "x";
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, refused.persistTo(file));
}

void TestApiServer::tablesForTheNewKinds()
{
    EndpointsController(*m_store, ResourceRegistry::builtin()).reconcile();
    const std::string accept = "application/json;as=Table;v=v1;g=meta.k8s.io";
    const json endpoints = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/endpoints/reviews"));
    COMPARE_JSON(endpoints["columnDefinitions"][1]["name"], "Endpoints");
    const QString cell = QString::fromStdString(endpoints["rows"][0]["cells"][1].get<std::string>());
    QVERIFY2(QRegularExpression(QStringLiteral("^10\\.244\\.\\d+\\.\\d+:9080(,10\\.244\\.\\d+\\.\\d+:9080){2}$")).match(cell).hasMatch(),
             qPrintable(cell));
    const json raw = parsed(send("GET", "/api/v1/namespaces/bookinfo/endpoints/reviews"));
    QCOMPARE(raw["subsets"][0]["addresses"].size(), std::size_t(3));
    COMPARE_JSON(raw["subsets"][0]["addresses"][0]["targetRef"]["kind"], "Pod");

    send("POST", "/api/v1/namespaces/bookinfo/configmaps",
         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"two"},"data":{"a":"1","b":"2"}})", "application/json");
    const json configMaps = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/configmaps/two"));
    COMPARE_JSON(configMaps["columnDefinitions"][1]["name"], "Data");
    COMPARE_JSON(configMaps["rows"][0]["cells"][1], "2");
    send("POST", "/api/v1/namespaces/bookinfo/secrets", R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"MQ=="}})",
         "application/json");
    const json secrets = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/secrets/s"));
    COMPARE_JSON(secrets["rows"][0]["cells"][1], "Opaque");
    COMPARE_JSON(secrets["rows"][0]["cells"][2], "1");
    send("POST", "/apis/coordination.k8s.io/v1/namespaces/bookinfo/leases",
         R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l"},"spec":{"holderIdentity":"pod-a"}})",
         "application/json");
    COMPARE_JSON(parsed(getAs(accept, "/apis/coordination.k8s.io/v1/namespaces/bookinfo/leases/l"))["rows"][0]["cells"][1], "pod-a");
    send("POST", "/apis/gateway.networking.k8s.io/v1/namespaces/bookinfo/httproutes",
         R"({"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r"},"spec":{"hostnames":["reviews"]}})",
         "application/json");
    const json routes = parsed(getAs(accept, "/apis/gateway.networking.k8s.io/v1/namespaces/bookinfo/httproutes"));
    COMPARE_JSON(routes["columnDefinitions"][1]["name"], "Hostnames");
    COMPARE_JSON(routes["rows"][0]["cells"][1], R"(["reviews"])");

    runJob("table", "0", 0);
    const json events = parsed(getAs(accept, "/api/v1/namespaces/bookinfo/events"));
    std::vector<std::string> names;
    for (const auto& column : events["columnDefinitions"]) {
        if (column["priority"] == 0)
            names.push_back(column["name"]);
    }
    COMPARE_JSON(names, json({"Last Seen", "Type", "Reason", "Object", "Message"}));
    bool created = false;
    for (const auto& row : events["rows"])
        created = created || (row["cells"][2] == "SuccessfulCreate" && row["cells"][3] == "job/table");
    QVERIFY2(created, events["rows"].dump().c_str());
    // A service made through the API gets a cluster IP, and its ports their defaults.
    const json service = parsed(send("POST", "/api/v1/namespaces/bookinfo/services",
                                     R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"new"},"spec":{"selector":{"app":"ratings"},"ports":[{"port":80}]}})",
                                     "application/json"));
    QVERIFY(service["spec"]["clusterIP"].get<std::string>().starts_with("10.97."));
    COMPARE_JSON(service["spec"]["ports"][0]["protocol"], "TCP");
    COMPARE_JSON(service["spec"]["ports"][0]["targetPort"], 80);
}

void TestApiServer::deploymentRollsItsPods()
{
    const std::string path = "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v2";
    QCOMPARE(send("PATCH", path, R"({"spec":{"replicas":4}})", "application/merge-patch+json").status, 200);
    DeploymentController controller(*m_store, ResourceRegistry::builtin());
    controller.reconcile();
    const auto podsOf = [&] {
        return parsed(send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {}, {{"labelSelector", "app=reviews,version=v2"}}))["items"];
    };
    QCOMPARE(podsOf().size(), std::size_t(4));
    const std::string oldHash = podsOf()[0]["metadata"]["labels"]["pod-template-hash"];
    const auto patched = send("PATCH", path, R"({"spec":{"template":{"metadata":{"annotations":{"rolled":"yes"}}}}})",
                              "application/merge-patch+json");
    QCOMPARE(patched.status, 200);
    // Pass by pass: never fewer than replicas - maxUnavailable (25% of 4: 1) or more than
    // replicas + maxSurge (25% of 4: 1), old and new side by side until the new ones took over.
    bool sawBoth = false;
    for (int pass = 0; pass < 20; ++pass) {
        controller.reconcile();
        const json pods = podsOf();
        std::size_t old = 0;
        for (const auto& pod : pods)
            old += pod["metadata"]["labels"]["pod-template-hash"] == oldHash ? 1 : 0;
        QVERIFY2(pods.size() >= 3 && pods.size() <= 5, std::to_string(pods.size()).c_str());
        sawBoth = sawBoth || (old > 0 && old < pods.size());
        if (old == 0 && pods.size() == 4)
            break;
    }
    QVERIFY(sawBoth);
    const json pods = podsOf();
    QCOMPARE(pods.size(), std::size_t(4));
    for (const auto& pod : pods) {
        QVERIFY(pod["metadata"]["labels"]["pod-template-hash"] != oldHash);
        COMPARE_JSON(pod["metadata"]["annotations"]["rolled"], "yes");
    }
    const json status = parsed(send("GET", path))["status"];
    COMPARE_JSON(status["updatedReplicas"], 4);
    COMPARE_JSON(status["observedGeneration"], parsed(send("GET", path))["metadata"]["generation"]);
}

void TestApiServer::controllersSurviveObjectsTheyCannotRead()
{
    // Clients write anything the API accepts; the controllers must skip what they cannot read.
    const json job = parsed(send("POST", "/apis/batch/v1/namespaces/bookinfo/jobs",
                                 R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"odd"},"spec":{"template":{"spec":{"containers":"x"}}}})",
                                 "application/json"));
    const std::string uid = job["metadata"]["uid"];
    const std::vector<std::string> bodies = {
        R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"odd-owner","ownerReferences":[{"kind":5,"controller":"yes"},"x"]},"status":"Running"})",
        R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"odd-job-pod","labels":{"app":"reviews"},"ownerReferences":[{"kind":"Job","controller":true,"uid":")"
            + uid + R"("}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"startTime":7}})",
        R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"odd-ready","labels":{"app":"ratings"}},"status":{"phase":"Running","conditions":["x",{"type":"Ready","status":"True"}]}})"};
    for (const auto& body : bodies)
        QCOMPARE(send("POST", "/api/v1/namespaces/bookinfo/pods", body, "application/json").status, 201);
    QCOMPARE(send("POST", "/api/v1/namespaces/bookinfo/services",
                  R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"odd"},"spec":{"selector":{"app":5},"ports":"x"}})",
                  "application/json")
                 .status,
             201);
    QCOMPARE(send("PUT", "/apis/apps/v1/namespaces/bookinfo/deployments/details-v1",
                  R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"details-v1"},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":5}]}}}})",
                  "application/json")
                 .status,
             200);
    QCOMPARE(send("PATCH", "/api/v1/namespaces/bookinfo", R"({"metadata":{"labels":{"istio-injection":7}}})",
                  "application/merge-patch+json")
                 .status,
             200);
    DeploymentController deployments(*m_store, ResourceRegistry::builtin());
    JobController jobs(*m_store, ResourceRegistry::builtin());
    EndpointsController endpoints(*m_store, ResourceRegistry::builtin());
    for (int pass = 0; pass < 3; ++pass) {
        deployments.reconcile();
        jobs.reconcile();
        endpoints.reconcile();
    }
    // And they still do their work for everything else.
    const json ratings = parsed(send("GET", "/api/v1/namespaces/bookinfo/endpoints/ratings"));
    QCOMPARE(ratings["subsets"][0]["addresses"].size(), std::size_t(2)); // the ratings pod and odd-ready
    QCOMPARE(parsed(send("GET", "/api/v1/namespaces/bookinfo/pods", {}, {}, {{"labelSelector", "app=productpage"}}))["items"].size(),
             std::size_t(1));
}

QTEST_GUILESS_MAIN(TestApiServer)
#include "tst_apiserver.moc"

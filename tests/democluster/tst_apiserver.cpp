// SPDX-License-Identifier: Apache-2.0
// The API server's request handling called without a socket, plus one round trip over real HTTPS.

#include "AdmissionValidator.h"
#include "ApiListener.h"
#include "ApiRequest.h"
#include "ApiServer.h"
#include "Authenticator.h"
#include "ClusterBootstrap.h"
#include "DeploymentController.h"
#include "LabelSelector.h"
#include "ObjectStore.h"
#include "PrometheusProxy.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TlsCredentials.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace democluster;
using nlohmann::json;

namespace {

const std::filesystem::path resourcesDir = MESHDECK_SOURCE_DIR "/resources";
constexpr const char* Token = "test-token";
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
    void servesOverHttps();

private:
    ApiResponse send(const std::string& method, const std::string& path, const std::string& body = {},
                     const std::string& contentType = {}, std::multimap<std::string, std::string> query = {});

    std::unique_ptr<ObjectStore> m_store;
    Authenticator m_authenticator;
    PrometheusProxy m_proxy;
    std::unique_ptr<ApiServer> m_api;
};

ApiResponse TestApiServer::send(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& contentType, std::multimap<std::string, std::string> query)
{
    ApiRequest request;
    request.method = method;
    request.path = path;
    request.query = std::move(query);
    request.headers["authorization"] = std::string("Bearer ") + Token;
    if (!contentType.empty())
        request.headers["content-type"] = contentType;
    request.body = body;
    return m_api->handle(request);
}

void TestApiServer::init()
{
    m_store = std::make_unique<ObjectStore>();
    m_authenticator.addToken(Token, UserInfo{"meshdeck-admin", {"system:masters"}});
    AdmissionValidator admission;
    ClusterBootstrap(*m_store, ResourceRegistry::builtin(), admission)
        .seed(Scenario::load(resourcesDir / "scenarios" / "bookinfo.yaml"), resourcesDir);
    DeploymentController(*m_store, ResourceRegistry::builtin()).reconcile();
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
    COMPARE_JSON(groups["groups"].size(), std::size_t(2));
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
    const auto events = m_store->eventsSince(storeVersion);
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
                                "application/json-patch+json, application/merge-patch+json");
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

QTEST_GUILESS_MAIN(TestApiServer)
#include "tst_apiserver.moc"

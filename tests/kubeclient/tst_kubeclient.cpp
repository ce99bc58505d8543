// SPDX-License-Identifier: Apache-2.0
#include "TestPki.h"
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"
#include "kubeclient/ResourceKind.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QScopeGuard>
#include <QTest>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

using kube::ApiError;
using kube::ClusterConnection;
using kube::JsonResult;
using kube::KubeClient;
using namespace std::chrono_literals;

namespace {

// What the server last received.
struct Seen {
    std::mutex mutex;
    std::string method, path, authorization, accept, contentType, host, body;
    int count = 0;

    void record(const httplib::Request& request)
    {
        std::lock_guard lock(mutex);
        method = request.method;
        path = request.path;
        authorization = request.get_header_value("Authorization");
        accept = request.get_header_value("Accept");
        contentType = request.get_header_value("Content-Type");
        host = request.get_header_value("Host");
        body = request.body;
        ++count;
    }
};

ClusterConnection plainConnection(int port)
{
    ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(port);
    connection.bearerToken = "test-token";
    return connection;
}

const char* PodJson = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"bookinfo","resourceVersion":"17"}})";

enum class Ca { None, Right, Wrong };

// Not a type httplib compresses, so each chunk leaves as it is written.
const char* WatchContentType = "application/json;stream=watch";

} // namespace

Q_DECLARE_METATYPE(Ca)

class TestKubeClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void getReturnsParsedJson();
    void patchSendsContentTypeAndBody_data();
    void patchSendsContentTypeAndBody();
    void writeVerbs_data();
    void writeVerbs();
    void listSplitsItemsAndFillsTheirKind();
    void notFoundStatusIsApiError();
    void invalidJsonIsDecodeError();
    void refusedConnectionIsTransportError();
    void slowRequestDoesNotBlockFastOne_data();
    void slowRequestDoesNotBlockFastOne();
    void cancelBeforeAnswer();
    void cancelAfterAnswerBeforeDelivery();
    void destroyingClientDropsEverything();
    void tls_data();
    void tls();
    void clientCertificate_data();
    void clientCertificate();
    void prometheusThroughServiceProxy();
    void watchStreamsEventsAsTheyArrive();
    void watchGoneIsApiError();
    void watchCancelledMidStream();
    void prometheusProxyStatusIsApiError();
    void directPrometheusCancelsOnlyItsOwnQuery();
    void logPath_data();
    void logPath();
    void logStreamsTextAsItArrives();
    void logOfMissingContainerIsApiError();
    void statusSubresource();
    void proxy_data();
    void proxy();

private:
    std::optional<testpki::Identity> m_ca;
    std::optional<testpki::Identity> m_otherCa;
    std::optional<testpki::Identity> m_localhostCert;
    std::optional<testpki::Identity> m_clusterNameCert;
    std::optional<testpki::Identity> m_clientCert;
};

void TestKubeClient::initTestCase()
{
    m_ca.emplace(testpki::makeIdentity("MeshDeck test CA", nullptr, true));
    m_otherCa.emplace(testpki::makeIdentity("Some other CA", nullptr, true));
    m_localhostCert.emplace(testpki::makeIdentity("127.0.0.1", &*m_ca, false, "IP:127.0.0.1,DNS:localhost", "serverAuth"));
    // What a cluster reached by IP often presents: only its in-cluster name, hence tls-server-name.
    m_clusterNameCert.emplace(
        testpki::makeIdentity("kube-apiserver", &*m_ca, false, "DNS:kubernetes.default.svc", "serverAuth"));
    m_clientCert.emplace(testpki::makeIdentity("alice", &*m_ca, false, nullptr, "clientAuth"));
}

void TestKubeClient::getReturnsParsedJson()
{
    TaskQueue queue;
    Seen seen;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces/bookinfo/pods/p", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        response.set_content(PodJson, "application/json");
    });
    LocalServer running(std::move(server));

    std::optional<JsonResult> result;
    std::thread::id deliveredOn;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.get(kube::kinds::Pods.objectPath("bookinfo", "p"), [&](JsonResult r) {
        result = std::move(r);
        deliveredOn = std::this_thread::get_id();
    });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QVERIFY(result->object);
    QCOMPARE((*result->object)["metadata"]["resourceVersion"].get<std::string>(), std::string("17"));
    QVERIFY(deliveredOn == std::this_thread::get_id());
    QCOMPARE(queue.posted(), 1);
    QCOMPARE(seen.method, std::string("GET"));
    QCOMPARE(seen.authorization, std::string("Bearer test-token"));
    QCOMPARE(seen.accept, std::string("application/json"));
}

void TestKubeClient::patchSendsContentTypeAndBody_data()
{
    QTest::addColumn<kube::PatchType>("type");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");

    QTest::newRow("merge") << kube::PatchType::Merge
                           << QByteArray(R"({"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v2"},"weight":30}]}]}})")
                           << QByteArray("application/merge-patch+json");
    QTest::newRow("json") << kube::PatchType::Json
                          << QByteArray(R"([{"op":"test","path":"/metadata/resourceVersion","value":"17"},)"
                                        R"({"op":"replace","path":"/spec/http/0/route/0/weight","value":70}])")
                          << QByteArray("application/json-patch+json");
}

void TestKubeClient::patchSendsContentTypeAndBody()
{
    QFETCH(kube::PatchType, type);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);

    TaskQueue queue;
    Seen seen;
    auto server = std::make_unique<httplib::Server>();
    server->Patch("/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews",
                  [&](const httplib::Request& request, httplib::Response& response) {
                      seen.record(request);
                      response.set_content(R"({"kind":"VirtualService","metadata":{"resourceVersion":"18"}})",
                                           "application/json");
                  });
    LocalServer running(std::move(server));

    std::optional<JsonResult> result;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.patch(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), type, body.toStdString(),
                 [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE((*result->object)["metadata"]["resourceVersion"].get<std::string>(), std::string("18"));
    QCOMPARE(seen.method, std::string("PATCH"));
    QCOMPARE(seen.contentType, str(contentType));
    QCOMPARE(seen.body, str(body));
    QCOMPARE(seen.accept, std::string("application/json"));
}

void TestKubeClient::writeVerbs_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");      // path and query the server saw
    QTest::addColumn<QByteArray>("contentType");
    QTest::newRow("put") << QByteArray("put") << QByteArray("PUT")
                         << QByteArray("/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews")
                         << QByteArray("application/json");
    QTest::newRow("create") << QByteArray("create") << QByteArray("POST")
                            << QByteArray("/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices")
                            << QByteArray("application/json");
    QTest::newRow("remove") << QByteArray("remove") << QByteArray("DELETE")
                            << QByteArray("/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews")
                            << QByteArray("application/json");
    QTest::newRow("apply") << QByteArray("apply") << QByteArray("PATCH")
                           << QByteArray("/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews"
                                         "?fieldManager=meshdeck&force=false")
                           << QByteArray("application/apply-patch+yaml");
    QTest::newRow("apply, forced") << QByteArray("apply!") << QByteArray("PATCH")
                                   << QByteArray("/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews"
                                                 "?fieldManager=meshdeck&force=true")
                                   << QByteArray("application/apply-patch+yaml");
}

void TestKubeClient::writeVerbs()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, contentType);

    TaskQueue queue;
    Seen seen;
    std::string query;
    auto server = std::make_unique<httplib::Server>();
    const auto handler = [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        {
            std::lock_guard lock(seen.mutex);
            query.clear();
            for (const char* name : {"fieldManager", "force"}) {
                if (request.has_param(name))
                    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + request.get_param_value(name);
            }
        }
        response.set_content(R"({"kind":"VirtualService","metadata":{"resourceVersion":"9"}})", "application/json");
    };
    const std::string pattern = "/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices(/reviews)?";
    server->Put(pattern, handler);
    server->Post(pattern, handler);
    server->Delete(pattern, handler);
    server->Patch(pattern, handler);
    LocalServer running(std::move(server));

    const std::string body = R"({"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"reviews"}})";
    const std::string object = kube::kinds::VirtualServices.objectPath("bookinfo", "reviews");
    std::optional<JsonResult> result;
    const auto done = [&](JsonResult r) { result = std::move(r); };
    KubeClient client(plainConnection(running.port()), queue.executor());
    if (verb == "put")
        client.put(object, body, done);
    else if (verb == "create")
        client.create(kube::kinds::VirtualServices.collectionPath("bookinfo"), body, done);
    else if (verb == "remove")
        client.remove(object, done, R"({"preconditions":{"resourceVersion":"8"}})");
    else
        client.apply(object, body, verb == "apply!", done);
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE(seen.method, str(method));
    QCOMPARE(seen.path + query, str(target));
    QCOMPARE(seen.contentType, str(contentType));
    QVERIFY(!seen.body.empty());
}

void TestKubeClient::listSplitsItemsAndFillsTheirKind()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces/bookinfo/pods", [](const httplib::Request&, httplib::Response& response) {
        response.set_content(R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"c+1="},)"
                             R"("items":[{"metadata":{"name":"a"}},{"kind":"Pod","apiVersion":"v1","metadata":{"name":"b"}}]})",
                             "application/json");
    });
    LocalServer running(std::move(server));

    std::optional<kube::ListResult> result;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.list(kube::kinds::Pods.collectionPath("bookinfo") + "?limit=2", [&](kube::ListResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE(result->resourceVersion, std::string("42"));
    QCOMPARE(result->continueToken, std::string("c+1="));
    QCOMPARE(result->items.size(), std::size_t(2));
    QCOMPARE((*result->items[0])["kind"].get<std::string>(), std::string("Pod"));
    QCOMPARE((*result->items[0])["apiVersion"].get<std::string>(), std::string("v1"));
    QCOMPARE((*result->items[1])["metadata"]["name"].get<std::string>(), std::string("b"));
}

void TestKubeClient::notFoundStatusIsApiError()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces/bookinfo/pods/gone", [](const httplib::Request&, httplib::Response& response) {
        response.status = 404;
        response.set_content(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                             R"("message":"pods \"gone\" not found","reason":"NotFound",)"
                             R"("details":{"name":"gone","kind":"pods"},"code":404})",
                             "application/json");
    });
    LocalServer running(std::move(server));

    std::optional<JsonResult> result;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.get("/api/v1/namespaces/bookinfo/pods/gone", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    const ApiError& error = result->error;
    QCOMPARE(error.kind, ApiError::Kind::Api);
    QCOMPARE(error.httpStatus, 404L);
    QCOMPARE(error.reason, std::string("NotFound"));
    QCOMPARE(error.message, std::string(R"(pods "gone" not found)"));
    QCOMPARE(error.url, client.url("/api/v1/namespaces/bookinfo/pods/gone"));
    QCOMPARE(error.describe(), "404 NotFound: pods \"gone\" not found (GET " + error.url + ")");
    QVERIFY(!result->object);
}

void TestKubeClient::invalidJsonIsDecodeError()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/pods", [](const httplib::Request&, httplib::Response& response) {
        response.set_content(R"({"kind":"PodList","items":[)", "application/json");
    });
    LocalServer running(std::move(server));

    std::optional<JsonResult> result;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.get("/api/v1/pods", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QCOMPARE(result->error.kind, ApiError::Kind::Decode);
    QCOMPARE(result->error.httpStatus, 200L);
    QCOMPARE(result->error.url, client.url("/api/v1/pods"));
    QVERIFY2(result->error.describe().find(client.url("/api/v1/pods")) != std::string::npos,
             result->error.describe().c_str());
    QVERIFY(!result->object);
}

void TestKubeClient::refusedConnectionIsTransportError()
{
    int closedPort = 0;
    {
        // A port that was just free: nobody listens on it once this server is gone.
        LocalServer gone(std::make_unique<httplib::Server>());
        closedPort = gone.port();
    }
    TaskQueue queue;
    std::optional<JsonResult> result;
    KubeClient client(plainConnection(closedPort), queue.executor());
    client.get("/api", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QCOMPARE(result->error.kind, ApiError::Kind::Transport);
    QCOMPARE(result->error.httpStatus, 0L);
    QVERIFY(!result->error.message.empty());
    QCOMPARE(result->error.url, client.url("/api"));
}

void TestKubeClient::slowRequestDoesNotBlockFastOne_data()
{
    QTest::addColumn<bool>("tls");
    QTest::newRow("http") << false;
    QTest::newRow("https") << true;
}

void TestKubeClient::slowRequestDoesNotBlockFastOne()
{
    QFETCH(bool, tls);

    TaskQueue queue;
    Gate gate;
    std::unique_ptr<httplib::Server> server;
    if (tls)
        server = std::make_unique<httplib::SSLServer>(m_localhostCert->cert.get(), m_localhostCert->key.get());
    else
        server = std::make_unique<httplib::Server>();
    server->Get("/slow", [&](const httplib::Request&, httplib::Response& response) {
        gate.wait();
        response.set_content(R"({"which":"slow"})", "application/json");
    });
    server->Get("/fast", [](const httplib::Request&, httplib::Response& response) {
        response.set_content(R"({"which":"fast"})", "application/json");
    });
    LocalServer running(std::move(server));
    const auto releaseSlow = qScopeGuard([&] { gate.open(); });

    ClusterConnection connection = plainConnection(running.port());
    if (tls) {
        connection.server = "https://127.0.0.1:" + std::to_string(running.port());
        connection.caPem = m_ca->certPem();
    }
    std::optional<JsonResult> slow;
    std::optional<JsonResult> fast;
    KubeClient client(connection, queue.executor());
    client.get("/slow", [&](JsonResult r) { slow = std::move(r); });
    client.get("/fast", [&](JsonResult r) { fast = std::move(r); });

    QVERIFY(queue.runUntil([&] { return fast.has_value(); }));
    QVERIFY(!slow.has_value());
    QCOMPARE((*fast->object)["which"].get<std::string>(), std::string("fast"));

    gate.open();
    QVERIFY(queue.runUntil([&] { return slow.has_value(); }));
    QCOMPARE((*slow->object)["which"].get<std::string>(), std::string("slow"));
}

void TestKubeClient::cancelBeforeAnswer()
{
    TaskQueue queue;
    Gate gate;
    Seen seen;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/held", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        gate.wait();
        response.set_content("{}", "application/json");
    });
    server->Get("/after", [](const httplib::Request&, httplib::Response& response) {
        response.set_content("{}", "application/json");
    });
    LocalServer running(std::move(server));
    const auto releaseHeld = qScopeGuard([&] { gate.open(); });

    bool called = false;
    KubeClient client(plainConnection(running.port()), queue.executor());
    const kube::RequestId id = client.get("/held", [&](JsonResult) { called = true; });
    // Cancel once the request is really on the wire, the harder case for the transport.
    QVERIFY(queue.runUntil([&] {
        std::lock_guard lock(seen.mutex);
        return seen.count == 1;
    }));
    client.cancel(id);
    gate.open();

    // A later request completes, so the cancelled one had every chance to be delivered.
    bool afterDone = false;
    client.get("/after", [&](JsonResult) { afterDone = true; });
    QVERIFY(queue.runUntil([&] { return afterDone; }));
    std::this_thread::sleep_for(100ms);
    queue.runPending();
    QVERIFY(!called);
    QCOMPARE(queue.posted(), 1);
}

void TestKubeClient::cancelAfterAnswerBeforeDelivery()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/quick", [](const httplib::Request&, httplib::Response& response) {
        response.set_content("{}", "application/json");
    });
    LocalServer running(std::move(server));

    bool called = false;
    KubeClient client(plainConnection(running.port()), queue.executor());
    const kube::RequestId id = client.get("/quick", [&](JsonResult) { called = true; });
    // The answer is parsed and its delivery waits in the executor...
    QVERIFY(queue.waitQueued());
    // ...when the operator moves on.
    client.cancel(id);
    QCOMPARE(queue.runPending(), 1);
    QVERIFY(!called);
}

void TestKubeClient::destroyingClientDropsEverything()
{
    TaskQueue queue;
    Gate gate;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/held", [&](const httplib::Request&, httplib::Response& response) {
        gate.wait();
        response.set_content("{}", "application/json");
    });
    server->Get("/quick", [](const httplib::Request&, httplib::Response& response) {
        response.set_content("{}", "application/json");
    });
    LocalServer running(std::move(server));
    const auto releaseHeld = qScopeGuard([&] { gate.open(); });

    int calls = 0;
    {
        KubeClient client(plainConnection(running.port()), queue.executor());
        client.get("/quick", [&](JsonResult) { ++calls; });
        for (int i = 0; i < 3; ++i)
            client.get("/held", [&](JsonResult) { ++calls; });
        QVERIFY(queue.waitQueued());
        // Destroyed with three requests on the wire and one answer waiting for delivery.
    }
    gate.open();
    queue.runPending();
    QCOMPARE(calls, 0);
}

void TestKubeClient::tls_data()
{
    QTest::addColumn<bool>("clusterNameOnly"); // the server certificate names only kubernetes.default.svc
    QTest::addColumn<Ca>("ca");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<QByteArray>("tlsServerName");
    QTest::addColumn<bool>("succeeds");

    QTest::newRow("CA data verifies the server") << false << Ca::Right << false << QByteArray() << true;
    QTest::newRow("wrong CA fails") << false << Ca::Wrong << false << QByteArray() << false;
    QTest::newRow("system store does not trust a private CA") << false << Ca::None << false << QByteArray() << false;
    QTest::newRow("insecure-skip-tls-verify") << false << Ca::None << true << QByteArray() << true;
    QTest::newRow("certificate for another name fails") << true << Ca::Right << false << QByteArray() << false;
    QTest::newRow("tls-server-name matches it") << true << Ca::Right << false << QByteArray("kubernetes.default.svc")
                                                << true;
    QTest::newRow("tls-server-name must still match")
        << true << Ca::Right << false << QByteArray("other.example") << false;
}

void TestKubeClient::tls()
{
    QFETCH(bool, clusterNameOnly);
    QFETCH(Ca, ca);
    QFETCH(bool, insecure);
    QFETCH(QByteArray, tlsServerName);
    QFETCH(bool, succeeds);

    const testpki::Identity& serverIdentity = clusterNameOnly ? *m_clusterNameCert : *m_localhostCert;
    TaskQueue queue;
    Seen seen;
    auto server = std::make_unique<httplib::SSLServer>(serverIdentity.cert.get(), serverIdentity.key.get());
    QVERIFY(server->is_valid());
    server->Get("/version", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        response.set_content(R"({"major":"1","minor":"32"})", "application/json");
    });
    LocalServer running(std::move(server));

    ClusterConnection connection;
    connection.server = "https://127.0.0.1:" + std::to_string(running.port());
    connection.caPem = ca == Ca::Right ? m_ca->certPem() : ca == Ca::Wrong ? m_otherCa->certPem() : std::string();
    connection.insecureSkipTlsVerify = insecure;
    connection.tlsServerName = str(tlsServerName);
    connection.bearerToken = "tls-token";

    std::optional<JsonResult> result;
    KubeClient client(connection, queue.executor());
    client.get("/version", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    if (succeeds) {
        QVERIFY2(result->error.ok(), result->error.describe().c_str());
        QCOMPARE((*result->object)["minor"].get<std::string>(), std::string("32"));
        QCOMPARE(seen.authorization, std::string("Bearer tls-token"));
        // tls-server-name changes what TLS checks, not which host the request is for.
        QCOMPARE(seen.host, "127.0.0.1:" + std::to_string(running.port()));
    } else {
        QCOMPARE(result->error.kind, ApiError::Kind::Transport);
        QVERIFY(!result->error.message.empty());
        QCOMPARE(seen.count, 0);
    }
}

void TestKubeClient::clientCertificate_data()
{
    QTest::addColumn<bool>("presentCertificate");
    QTest::newRow("client certificate accepted") << true;
    QTest::newRow("no client certificate refused") << false;
}

void TestKubeClient::clientCertificate()
{
    QFETCH(bool, presentCertificate);

    TaskQueue queue;
    Seen seen;
    X509_STORE* clientCas = X509_STORE_new(); // owned by the server's SSL_CTX from here on
    X509_STORE_add_cert(clientCas, m_ca->cert.get());
    auto server = std::make_unique<httplib::SSLServer>(m_localhostCert->cert.get(), m_localhostCert->key.get(), clientCas);
    QVERIFY(server->is_valid());
    server->Get("/api", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        response.set_content(R"({"kind":"APIVersions","versions":["v1"]})", "application/json");
    });
    LocalServer running(std::move(server));

    ClusterConnection connection;
    connection.server = "https://127.0.0.1:" + std::to_string(running.port());
    connection.caPem = m_ca->certPem();
    if (presentCertificate) {
        connection.clientCertPem = m_clientCert->certPem();
        connection.clientKeyPem = m_clientCert->keyPem();
    }

    std::optional<JsonResult> result;
    KubeClient client(connection, queue.executor());
    client.get("/api", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    if (presentCertificate) {
        QVERIFY2(result->error.ok(), result->error.describe().c_str());
        QCOMPARE((*result->object)["kind"].get<std::string>(), std::string("APIVersions"));
        QVERIFY(seen.authorization.empty());
    } else {
        QCOMPARE(result->error.kind, ApiError::Kind::Transport);
        QCOMPARE(seen.count, 0);
    }
}

void TestKubeClient::prometheusThroughServiceProxy()
{
    TaskQueue queue;
    std::mutex mutex;
    std::map<std::string, std::string> params;
    std::string path;
    auto server = std::make_unique<httplib::Server>();
    const auto handler = [&](const httplib::Request& request, httplib::Response& response) {
        {
            std::lock_guard lock(mutex);
            path = request.path;
            params.clear();
            for (const auto& [name, value] : request.params)
                params[name] = value;
        }
        if (request.path.ends_with("/query_range"))
            response.set_content(R"({"status":"success","data":{"resultType":"matrix","result":[)"
                                 R"({"metric":{"destination_version":"v2"},"values":[[1732612300,"1"],[1732612315.5,"+Inf"]]}]}})",
                                 "application/json");
        else
            response.set_content(R"({"status":"success","data":{"resultType":"vector","result":[)"
                                 R"({"metric":{"destination_version":"v1"},"value":[1732612345,"2.5"]}]},"warnings":["w"]})",
                                 "application/json");
    };
    server->Get(R"(/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query(_range)?)", handler);
    LocalServer running(std::move(server));

    KubeClient client(plainConnection(running.port()), queue.executor());
    kube::PrometheusClient prometheus(client);
    // Braces, quotes, =~, spaces and a '+' that a server would otherwise read as a space.
    const std::string promql =
        R"(sum by (destination_version) (rate(istio_requests_total{destination_service=~"reviews\\..*",response_code!="200"}[1m])) + 1)";

    std::optional<kube::PromResult> instant;
    prometheus.query(promql, [&](kube::PromResult r) { instant = std::move(r); });
    QVERIFY(queue.runUntil([&] { return instant.has_value(); }));
    QVERIFY2(instant->error.ok(), instant->error.describe().c_str());
    QCOMPARE(instant->resultType, std::string("vector"));
    QCOMPARE(instant->series.at(0).labels.at("destination_version"), std::string("v1"));
    QCOMPARE(instant->series.at(0).samples.at(0).value, 2.5);
    QCOMPARE(instant->warnings, std::vector<std::string>{"w"});
    {
        std::lock_guard lock(mutex);
        QCOMPARE(path, std::string("/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query"));
        QCOMPARE(params.at("query"), promql);
    }

    std::optional<kube::PromResult> range;
    prometheus.queryRange(promql, 1732612300, 1732612600.25, 15.5, [&](kube::PromResult r) { range = std::move(r); });
    QVERIFY(queue.runUntil([&] { return range.has_value(); }));
    QVERIFY2(range->error.ok(), range->error.describe().c_str());
    QCOMPARE(range->resultType, std::string("matrix"));
    QCOMPARE(range->series.at(0).samples.size(), std::size_t(2));
    QCOMPARE(range->series.at(0).samples.at(1).time, 1732612315.5);
    QVERIFY(std::isinf(range->series.at(0).samples.at(1).value));
    {
        std::lock_guard lock(mutex);
        QCOMPARE(params.at("query"), promql);
        QCOMPARE(params.at("start"), std::string("1732612300"));
        QCOMPARE(params.at("end"), std::string("1732612600.25"));
        QCOMPARE(params.at("step"), std::string("15.5"));
    }
    QCOMPARE(queue.posted(), 2);
}

void TestKubeClient::prometheusProxyStatusIsApiError()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/custom/prom/api/v1/query", [](const httplib::Request&, httplib::Response& response) {
        response.status = 503;
        response.set_content(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)"
                             R"("no endpoints available for service \"prometheus:9090\"","reason":"ServiceUnavailable","code":503})",
                             "application/json");
    });
    LocalServer running(std::move(server));

    KubeClient client(plainConnection(running.port()), queue.executor());
    kube::PrometheusClient prometheus(client, "/custom/prom");
    std::optional<kube::PromResult> result;
    bool cancelledCalled = false;
    const kube::RequestId cancelled = prometheus.query("up", [&](kube::PromResult) { cancelledCalled = true; });
    client.cancel(cancelled);
    prometheus.query("up", [&](kube::PromResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QCOMPARE(result->error.kind, ApiError::Kind::Api);
    QCOMPARE(result->error.httpStatus, 503L);
    QCOMPARE(result->error.reason, std::string("ServiceUnavailable"));
    QCOMPARE(result->error.message, std::string(R"(no endpoints available for service "prometheus:9090")"));
    QCOMPARE(result->error.method, std::string("GET"));
    QVERIFY(result->series.empty());
    QVERIFY(!cancelledCalled);
}

void TestKubeClient::directPrometheusCancelsOnlyItsOwnQuery()
{
    // A Prometheus reached directly has a client of its own, numbering its requests apart from the
    // API server's: cancelling a query must reach that client and leave the API server's requests,
    // which may carry the same number, alone.
    TaskQueue queue;
    Gate gate;
    Seen seen;
    auto prometheusServer = std::make_unique<httplib::Server>();
    prometheusServer->Get("/api/v1/query", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        gate.wait();
        response.set_content(R"({"status":"success","data":{"resultType":"vector","result":[]}})", "application/json");
    });
    auto apiServer = std::make_unique<httplib::Server>();
    apiServer->Get("/version", [&](const httplib::Request&, httplib::Response& response) {
        gate.wait();
        response.set_content(R"({"gitVersion":"v1.32.0"})", "application/json");
    });
    LocalServer prometheusRunning(std::move(prometheusServer));
    LocalServer apiRunning(std::move(apiServer));
    const auto release = qScopeGuard([&] { gate.open(); });

    KubeClient client(plainConnection(apiRunning.port()), queue.executor());
    kube::PrometheusEndpoint endpoint;
    endpoint.url = "http://127.0.0.1:" + std::to_string(prometheusRunning.port());
    kube::PrometheusClient prometheus(endpoint, queue.executor());
    bool versionAnswered = false;
    bool queryAnswered = false;
    client.get("/version", [&](JsonResult r) { versionAnswered = r.error.ok(); });
    const kube::RequestId query = prometheus.query("up", [&](kube::PromResult) { queryAnswered = true; });
    QVERIFY(queue.runUntil([&] {
        std::lock_guard lock(seen.mutex);
        return seen.count == 1;
    }));
    prometheus.cancel(query);
    gate.open();

    QVERIFY(queue.runUntil([&] { return versionAnswered; }));
    // A later query completes, so the cancelled one had every chance to be delivered.
    bool laterAnswered = false;
    prometheus.query("up", [&](kube::PromResult r) { laterAnswered = r.error.ok(); });
    QVERIFY(queue.runUntil([&] { return laterAnswered; }));
    QVERIFY(!queryAnswered);
}

void TestKubeClient::watchStreamsEventsAsTheyArrive()
{
    TaskQueue queue;
    Gate gate;
    Seen seen;
    const std::string first = R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"11"}}})";
    const std::string second = R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"12"}}})";
    const std::string bookmark = R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"15"}}})";
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces/bookinfo/pods", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        // httplib would gzip (and so hold back) a plain application/json stream for a client that
        // accepts gzip, which curl does; the API server never compresses watches.
        response.set_chunked_content_provider(WatchContentType, [&](std::size_t, httplib::DataSink& sink) {
            // One whole event and half of the next, then nothing until the test has seen the first.
            const std::string opening = first + "\n" + second.substr(0, 20);
            sink.write(opening.data(), opening.size());
            gate.wait();
            const std::string rest = second.substr(20) + "\n" + bookmark + "\n";
            sink.write(rest.data(), rest.size());
            sink.done();
            return true;
        });
    });
    LocalServer running(std::move(server));
    const auto release = qScopeGuard([&] { gate.open(); });

    std::vector<std::string> events;
    std::optional<ApiError> end;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.watch("/api/v1/namespaces/bookinfo/pods?watch=true&resourceVersion=10",
                 [&](kube::WatchEvent event) {
                     events.push_back(event.type + " " + (*event.object)["metadata"]["resourceVersion"].get<std::string>());
                 },
                 [&](ApiError error) { end = std::move(error); });
    // The first event is delivered while the response is still open.
    QVERIFY(queue.runUntil([&] { return !events.empty(); }));
    QCOMPARE(events, std::vector<std::string>{"ADDED 11"});
    QVERIFY(!end);
    gate.open();
    QVERIFY(queue.runUntil([&] { return end.has_value(); }));
    QVERIFY2(end->ok(), end->describe().c_str());
    QCOMPARE(events, (std::vector<std::string>{"ADDED 11", "MODIFIED 12", "BOOKMARK 15"}));
    QCOMPARE(seen.authorization, std::string("Bearer test-token"));
}

void TestKubeClient::watchGoneIsApiError()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/pods", [](const httplib::Request&, httplib::Response& response) {
        response.status = 410;
        response.set_content(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                             R"("message":"too old resource version: 5 [900]","reason":"Expired","code":410})",
                             "application/json");
    });
    LocalServer running(std::move(server));

    int events = 0;
    std::optional<ApiError> end;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.watch("/api/v1/pods?watch=true&resourceVersion=5", [&](kube::WatchEvent) { ++events; },
                 [&](ApiError error) { end = std::move(error); });
    QVERIFY(queue.runUntil([&] { return end.has_value(); }));
    QCOMPARE(events, 0);
    QCOMPARE(end->kind, ApiError::Kind::Api);
    QCOMPARE(end->httpStatus, 410L);
    QCOMPARE(end->reason, std::string("Expired"));
}

void TestKubeClient::watchCancelledMidStream()
{
    TaskQueue queue;
    Gate gate;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/pods", [&](const httplib::Request&, httplib::Response& response) {
        response.set_chunked_content_provider(WatchContentType, [&](std::size_t, httplib::DataSink& sink) {
            const std::string event = R"({"type":"ADDED","object":{"metadata":{"resourceVersion":"1"}}})";
            sink.write(event.data(), event.size());
            gate.wait();
            sink.write(event.data(), event.size());
            sink.done();
            return true;
        });
    });
    LocalServer running(std::move(server));
    const auto release = qScopeGuard([&] { gate.open(); });

    int events = 0;
    bool ended = false;
    KubeClient client(plainConnection(running.port()), queue.executor());
    const kube::RequestId id = client.watch("/api/v1/pods?watch=true", [&](kube::WatchEvent) { ++events; },
                                            [&](ApiError) { ended = true; });
    QVERIFY(queue.runUntil([&] { return events == 1; }));
    client.cancel(id);
    gate.open();
    std::this_thread::sleep_for(200ms);
    queue.runPending();
    QCOMPARE(events, 1);
    QVERIFY(!ended);
}

void TestKubeClient::logPath_data()
{
    QTest::addColumn<QByteArray>("container");
    QTest::addColumn<bool>("follow");
    QTest::addColumn<bool>("previous");
    QTest::addColumn<int>("tailLines");
    QTest::addColumn<QByteArray>("path");
    const QByteArray pod("/api/v1/namespaces/bookinfo/pods/reviews-v1");
    QTest::newRow("follow") << QByteArray() << true << false << -1 << pod + "/log?follow=true";
    QTest::newRow("once") << QByteArray() << false << false << -1 << pod + "/log";
    QTest::newRow("container, tail") << QByteArray("istio-proxy") << true << false << 100
                                     << pod + "/log?container=istio-proxy&follow=true&tailLines=100";
    QTest::newRow("previous instance") << QByteArray("reviews") << false << true << -1
                                       << pod + "/log?container=reviews&previous=true";
}

void TestKubeClient::logPath()
{
    QFETCH(QByteArray, container);
    QFETCH(bool, follow);
    QFETCH(bool, previous);
    QFETCH(int, tailLines);
    QFETCH(QByteArray, path);
    kube::LogOptions options;
    options.container = str(container);
    options.follow = follow;
    options.previous = previous;
    if (tailLines >= 0)
        options.tailLines = tailLines;
    QCOMPARE(KubeClient::logPath(kube::kinds::Pods.objectPath("bookinfo", "reviews-v1"), options), str(path));
}

void TestKubeClient::logStreamsTextAsItArrives()
{
    TaskQueue queue;
    Gate gate;
    Seen seen;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces/bookinfo/pods/reviews-v1/log", [&](const httplib::Request& request, httplib::Response& response) {
        seen.record(request);
        response.set_chunked_content_provider("text/plain", [&](std::size_t, httplib::DataSink& sink) {
            // The first read ends inside "é" (0xC3 0xA9); the rest waits until the test has seen it.
            const std::string first = "line 1\nh\xC3";
            sink.write(first.data(), first.size());
            gate.wait();
            const std::string rest = "\xA9llo \xE4\xB8\x96\xE7\x95\x8C\n";
            sink.write(rest.data(), rest.size());
            sink.done();
            return true;
        });
    });
    LocalServer running(std::move(server));
    const auto release = qScopeGuard([&] { gate.open(); });

    std::vector<std::string> texts;
    std::optional<ApiError> end;
    KubeClient client(plainConnection(running.port()), queue.executor());
    kube::LogOptions options;
    options.container = "reviews";
    options.tailLines = 10;
    client.streamLog(kube::kinds::Pods.objectPath("bookinfo", "reviews-v1"), options,
                     [&](std::string text) { texts.push_back(std::move(text)); }, [&](ApiError error) { end = std::move(error); });
    QVERIFY(queue.runUntil([&] { return !texts.empty(); }));
    // Delivered while the stream is open, without the half character.
    QCOMPARE(texts, std::vector<std::string>{"line 1\nh"});
    QVERIFY(!end);
    gate.open();
    QVERIFY(queue.runUntil([&] { return end.has_value(); }));
    QVERIFY2(end->ok(), end->describe().c_str());
    QCOMPARE(texts, (std::vector<std::string>{"line 1\nh", "\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C\n"}));
    QCOMPARE(seen.authorization, std::string("Bearer test-token"));
    std::lock_guard lock(seen.mutex);
    QCOMPARE(seen.path, std::string("/api/v1/namespaces/bookinfo/pods/reviews-v1/log"));
}

void TestKubeClient::logOfMissingContainerIsApiError()
{
    TaskQueue queue;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces/bookinfo/pods/reviews-v1/log", [](const httplib::Request&, httplib::Response& response) {
        response.status = 400;
        response.set_content(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)"
                             R"("container nope is not valid for pod reviews-v1","reason":"BadRequest","code":400})",
                             "application/json");
    });
    LocalServer running(std::move(server));
    std::vector<std::string> texts;
    std::optional<ApiError> end;
    KubeClient client(plainConnection(running.port()), queue.executor());
    kube::LogOptions options;
    options.container = "nope";
    client.streamLog(kube::kinds::Pods.objectPath("bookinfo", "reviews-v1"), options,
                     [&](std::string text) { texts.push_back(std::move(text)); }, [&](ApiError error) { end = std::move(error); });
    QVERIFY(queue.runUntil([&] { return end.has_value(); }));
    QVERIFY(texts.empty());
    QCOMPARE(end->httpStatus, 400L);
    QCOMPARE(end->reason, std::string("BadRequest"));
    QCOMPARE(end->message, std::string("container nope is not valid for pod reviews-v1"));
}

// /status is addressed like any path: the write reaches the subresource and nothing else.
void TestKubeClient::statusSubresource()
{
    TaskQueue queue;
    Seen seen;
    auto server = std::make_unique<httplib::Server>();
    server->Patch("/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v1/status",
                  [&](const httplib::Request& request, httplib::Response& response) {
                      seen.record(request);
                      response.set_content(R"({"kind":"Deployment","status":{"replicas":3}})", "application/json");
                  });
    LocalServer running(std::move(server));
    std::optional<JsonResult> result;
    KubeClient client(plainConnection(running.port()), queue.executor());
    client.patch(kube::kinds::Deployments.objectPath("bookinfo", "reviews-v1") + "/status", kube::PatchType::Merge,
                 R"({"status":{"replicas":3}})", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE((*result->object)["status"]["replicas"].get<int>(), 3);
    std::lock_guard lock(seen.mutex);
    QCOMPARE(seen.method, std::string("PATCH"));
    QCOMPARE(seen.contentType, std::string("application/merge-patch+json"));
}

void TestKubeClient::proxy_data()
{
    QTest::addColumn<QByteArray>("server");        // "SERVER" stands for the real server's URL
    QTest::addColumn<QByteArray>("httpProxyEnv");  // http_proxy; "PROXY" is the proxy, "DEAD" a closed port
    QTest::addColumn<QByteArray>("noProxyEnv");
    QTest::addColumn<QByteArray>("proxyUrl");      // the kubeconfig's proxy-url
    QTest::addColumn<bool>("viaProxy");

    QTest::newRow("proxy-url") << QByteArray("http://kube.test.invalid:8080") << QByteArray() << QByteArray()
                               << QByteArray("PROXY") << true;
    QTest::newRow("http_proxy from the environment") << QByteArray("http://kube.test.invalid:8080") << QByteArray("PROXY")
                                                     << QByteArray() << QByteArray() << true;
    QTest::newRow("no_proxy exempts the server") << QByteArray("SERVER") << QByteArray("DEAD") << QByteArray("127.0.0.1")
                                                 << QByteArray() << false;
    QTest::newRow("proxy-url wins over the environment") << QByteArray("http://kube.test.invalid:8080") << QByteArray("DEAD")
                                                         << QByteArray() << QByteArray("PROXY") << true;
}

// The kubeconfig's proxy-url, else the usual proxy environment variables (as client-go's
// http.ProxyFromEnvironment), with no_proxy honoured.
void TestKubeClient::proxy()
{
    QFETCH(QByteArray, server);
    QFETCH(QByteArray, httpProxyEnv);
    QFETCH(QByteArray, noProxyEnv);
    QFETCH(QByteArray, proxyUrl);
    QFETCH(bool, viaProxy);

    const auto recorder = [](Seen& seen) {
        auto s = std::make_unique<httplib::Server>();
        s->Get(".*", [&seen](const httplib::Request& request, httplib::Response& response) {
            seen.record(request);
            response.set_content(PodJson, "application/json");
        });
        return s;
    };
    Seen atProxy;
    Seen atServer;
    LocalServer proxyServer(recorder(atProxy));
    LocalServer realServer(recorder(atServer));
    const auto expand = [&](const QByteArray& value) {
        std::string text = str(value);
        if (text == "PROXY")
            return "http://127.0.0.1:" + std::to_string(proxyServer.port());
        if (text == "DEAD")
            return std::string("http://127.0.0.1:1"); // nothing listens on port 1
        if (text == "SERVER")
            return "http://127.0.0.1:" + std::to_string(realServer.port());
        return text;
    };
    const auto restore = qScopeGuard([] {
        unsetenv("http_proxy");
        unsetenv("no_proxy");
    });
    if (!httpProxyEnv.isEmpty())
        setenv("http_proxy", expand(httpProxyEnv).c_str(), 1);
    if (!noProxyEnv.isEmpty())
        setenv("no_proxy", str(noProxyEnv).c_str(), 1);

    ClusterConnection connection = plainConnection(0);
    connection.server = expand(server);
    connection.proxyUrl = expand(proxyUrl);
    TaskQueue queue;
    std::optional<JsonResult> result;
    {
        KubeClient client(connection, queue.executor());
        client.get("/api/v1/namespaces/bookinfo/pods/p", [&](JsonResult r) { result = std::move(r); });
        QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    }
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    std::scoped_lock lock(atProxy.mutex, atServer.mutex);
    QCOMPARE(atProxy.count, viaProxy ? 1 : 0);
    QCOMPARE(atServer.count, viaProxy ? 0 : 1);
    if (viaProxy) {
        // A plain-HTTP proxy gets the absolute URL, and the credentials travel with the request.
        QCOMPARE(atProxy.path, connection.server + "/api/v1/namespaces/bookinfo/pods/p");
        QCOMPARE(atProxy.authorization, std::string("Bearer test-token"));
    }
}

QTEST_APPLESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"

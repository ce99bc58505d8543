// SPDX-License-Identifier: Apache-2.0
// RBAC and identity helpers, and Prometheus reached directly with its own token.
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/AccessReviewCache.h"
#include "kubeclient/ClusterIdentity.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QTest>

#include <atomic>
#include <optional>

using nlohmann::json;

namespace {

kube::ClusterConnection connectionTo(int port, const std::string& namespaceName = "default")
{
    kube::ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(port);
    connection.namespaceName = namespaceName;
    return connection;
}

const char* Forbidden = R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,)"
                        R"("message":"namespaces is forbidden: User 'viewer' cannot list resource 'namespaces' at the cluster scope"})";

} // namespace

class TestClusterIdentity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void accessReviewsAreAskedOnceAndCached();
    void accessReviewFailureIsNotCached();
    void whoAmI();
    void namespacesFallBackWhenForbidden_data();
    void namespacesFallBackWhenForbidden();
    void prometheusDirectWithItsOwnToken();
};

void TestClusterIdentity::accessReviewsAreAskedOnceAndCached()
{
    std::atomic<int> reviews = 0;
    std::string lastBody;
    auto server = std::make_unique<httplib::Server>();
    server->Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                 [&](const httplib::Request& request, httplib::Response& response) {
                     ++reviews;
                     lastBody = request.body;
                     const json review = json::parse(request.body);
                     const auto attributes = review["spec"]["resourceAttributes"];
                     const bool allowed = attributes["verb"] != "patch";
                     json answer = review;
                     answer["status"] = {{"allowed", allowed}};
                     if (!allowed)
                         answer["status"]["reason"] = "RBAC: viewer may not patch";
                     response.status = 201;
                     response.set_content(answer.dump(), "application/json");
                 });
    LocalServer running(std::move(server));

    TaskQueue queue;
    kube::KubeClient client(connectionTo(running.port()), queue.executor());
    kube::AccessReviewCache cache(client);
    const kube::AccessQuestion patch{"patch", "networking.istio.io", "virtualservices", "bookinfo", {}};
    const kube::AccessQuestion list{"list", "networking.istio.io", "virtualservices", "bookinfo", {}};
    std::vector<std::optional<kube::AccessDecision>> answers(3);
    cache.check(patch, [&](const kube::AccessDecision& d) { answers[0] = d; });
    cache.check(patch, [&](const kube::AccessDecision& d) { answers[1] = d; }); // shares the request
    cache.check(list, [&](const kube::AccessDecision& d) { answers[2] = d; });
    QVERIFY(queue.runUntil([&] { return answers[0] && answers[1] && answers[2]; }));
    QCOMPARE(reviews.load(), 2);
    QVERIFY(answers[0]->error.ok());
    QVERIFY(!answers[0]->allowed);
    QCOMPARE(answers[0]->reason, std::string("RBAC: viewer may not patch"));
    QVERIFY(!answers[1]->allowed);
    QVERIFY(answers[2]->allowed);
    const json sent = json::parse(lastBody);
    QCOMPARE(sent["kind"].get<std::string>(), std::string("SelfSubjectAccessReview"));
    QCOMPARE(sent["spec"]["resourceAttributes"]["namespace"].get<std::string>(), std::string("bookinfo"));

    // Cached: answered at once, no request.
    bool answered = false;
    cache.check(patch, [&](const kube::AccessDecision& d) { answered = !d.allowed; });
    QVERIFY(answered);
    QVERIFY(cache.cached(list) && cache.cached(list)->allowed);
    QCOMPARE(reviews.load(), 2);
}

void TestClusterIdentity::accessReviewFailureIsNotCached()
{
    TaskQueue queue;
    kube::KubeClient client(connectionTo(1), queue.executor()); // nothing listens on port 1
    kube::AccessReviewCache cache(client);
    const kube::AccessQuestion question{"get", "", "pods", "bookinfo", {}};
    std::optional<kube::AccessDecision> answer;
    cache.check(question, [&](const kube::AccessDecision& d) { answer = d; });
    QVERIFY(queue.runUntil([&] { return answer.has_value(); }));
    QCOMPARE(answer->error.kind, kube::ApiError::Kind::Transport);
    QVERIFY(!answer->allowed);
    QVERIFY(!cache.cached(question));
}

void TestClusterIdentity::whoAmI()
{
    auto server = std::make_unique<httplib::Server>();
    server->Post("/apis/authentication.k8s.io/v1/selfsubjectreviews", [](const httplib::Request& request, httplib::Response& response) {
        json answer = json::parse(request.body);
        answer["status"] = {{"userInfo", {{"username", "alice@example.com"}, {"uid", "u-1"}, {"groups", {"system:authenticated", "devs"}}}}};
        response.status = 201;
        response.set_content(answer.dump(), "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    kube::KubeClient client(connectionTo(running.port()), queue.executor());
    std::optional<kube::UserIdentity> identity;
    kube::requestIdentity(client, [&](kube::UserIdentity i) { identity = std::move(i); });
    QVERIFY(queue.runUntil([&] { return identity.has_value(); }));
    QVERIFY2(identity->error.ok(), identity->error.describe().c_str());
    QCOMPARE(identity->username, std::string("alice@example.com"));
    QCOMPARE(identity->uid, std::string("u-1"));
    QCOMPARE(identity->groups, (std::vector<std::string>{"system:authenticated", "devs"}));
}

void TestClusterIdentity::namespacesFallBackWhenForbidden_data()
{
    QTest::addColumn<bool>("forbidden");
    QTest::newRow("allowed") << false;
    QTest::newRow("forbidden") << true;
}

void TestClusterIdentity::namespacesFallBackWhenForbidden()
{
    QFETCH(bool, forbidden);
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces", [&](const httplib::Request&, httplib::Response& response) {
        if (forbidden) {
            response.status = 403;
            response.set_content(Forbidden, "application/json");
            return;
        }
        response.set_content(R"({"kind":"NamespaceList","apiVersion":"v1","metadata":{"resourceVersion":"5"},)"
                             R"("items":[{"metadata":{"name":"bookinfo"}},{"metadata":{"name":"istio-system"}}]})",
                             "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    kube::KubeClient client(connectionTo(running.port(), "team-a"), queue.executor());
    std::optional<kube::NamespaceChoice> choice;
    kube::listNamespacesOrFallback(client, [&](kube::NamespaceChoice c) { choice = std::move(c); });
    QVERIFY(queue.runUntil([&] { return choice.has_value(); }));
    QVERIFY(choice->error.ok());
    QCOMPARE(choice->fallback, forbidden);
    const std::vector<std::string> expected =
        forbidden ? std::vector<std::string>{"team-a"} : std::vector<std::string>{"bookinfo", "istio-system"};
    QCOMPARE(choice->names, expected);
}

void TestClusterIdentity::prometheusDirectWithItsOwnToken()
{
    std::string authorization;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/query", [&](const httplib::Request& request, httplib::Response& response) {
        authorization = request.get_header_value("Authorization");
        response.set_content(R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"42"]}})",
                             "application/json");
    });
    LocalServer running(std::move(server));

    TaskQueue queue;
    kube::PrometheusEndpoint endpoint;
    endpoint.url = "http://127.0.0.1:" + std::to_string(running.port()) + "/";
    endpoint.bearerToken = "prom-token";
    kube::PrometheusClient prometheus(endpoint, queue.executor());
    std::optional<kube::PromResult> result;
    prometheus.query("1+41", [&](kube::PromResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE(result->resultType, std::string("scalar"));
    QCOMPARE(result->series.at(0).samples.at(0).value, 42.0);
    QCOMPARE(authorization, std::string("Bearer prom-token"));
}

QTEST_APPLESS_MAIN(TestClusterIdentity)
#include "tst_clusteridentity.moc"

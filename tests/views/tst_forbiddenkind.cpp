// SPDX-License-Identifier: Apache-2.0
// A user who may read a namespace but not one kind in it (here DestinationRules: a Role without
// them, as platform teams write to keep traffic policy to themselves). The topology loader hides
// only that kind, with the API server's words, and the window says so: the graph's "Hidden:" line
// and the status bar's "⚠ Limited access" name it. The API server is a local stand-in answering as
// kube-apiserver does (lists, a Forbidden Status, SelfSubjectAccessReview and SelfSubjectReview).
#include "TestServer.h"

#include "views/connect/ConnectionStatus.h"
#include "views/graph/GraphPanel.h"

#include "models/graph/MeshGraphModel.h"
#include "models/mesh/MeshTopologies.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/AccessRestrictions.h"
#include "models/session/ClusterSession.h"

#include <nlohmann/json.hpp>

#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include <atomic>
#include <thread>

class TestForbiddenKind : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneForbiddenKindIsHiddenAndNamed();
};

namespace {

using nlohmann::json;

constexpr const char* User = "team-dev";

json list(const char* kind, json items)
{
    return {{"kind", std::string(kind) + "List"}, {"apiVersion", "v1"}, {"metadata", {{"resourceVersion", "7"}}}, {"items", items}};
}

json deployment(const char* version)
{
    const json labels = {{"app", "reviews"}, {"version", version}};
    return {{"metadata", {{"name", std::string("reviews-") + version}, {"namespace", "bookinfo"}}},
            {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", labels}}}, {"template", {{"metadata", {{"labels", labels}}}}}}}};
}

// What kube-apiserver answers a list RBAC refuses, word for word.
json forbidden(const std::string& resource, const std::string& group)
{
    const std::string message = resource + "." + group + " is forbidden: User \"" + User + "\" cannot list resource \""
                                + resource + "\" in API group \"" + group + "\" in the namespace \"bookinfo\"";
    return {{"kind", "Status"},  {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
            {"message", message}, {"reason", "Forbidden"}, {"details", {{"group", group}, {"kind", resource}}}, {"code", 403}};
}

// A collection nothing changes in: its list, or a watch kept open as kube-apiserver keeps one until
// its timeoutSeconds, sending nothing but a blank line now and then (which a watch decoder skips)
// and ending when the client leaves.
httplib::Server::Handler collection(json items)
{
    return [items](const httplib::Request& request, httplib::Response& response) {
        if (!request.has_param("watch")) {
            response.set_content(items.dump(), "application/json");
            return;
        }
        response.set_chunked_content_provider("application/json;stream=watch", [](std::size_t, httplib::DataSink& sink) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            return sink.write("\n", 1);
        });
    };
}

// bookinfo's reviews in two versions with a VirtualService; DestinationRules forbidden to the user.
std::unique_ptr<httplib::Server> apiServer(std::atomic<int>& destinationRuleLists)
{
    auto server = std::make_unique<httplib::Server>();
    const auto send = [](httplib::Response& response, const json& body, int status = 200) {
        response.status = status;
        response.set_content(body.dump(), "application/json");
    };
    server->Get("/api/v1/namespaces/bookinfo/services",
                collection(list("Service", {{{"metadata", {{"name", "reviews"}, {"namespace", "bookinfo"}}},
                                             {"spec", {{"selector", {{"app", "reviews"}}}, {"ports", {{{"port", 9080}}}}}}}})));
    server->Get("/api/v1/namespaces/bookinfo/pods", collection(list("Pod", json::array())));
    server->Get("/apis/apps/v1/namespaces/bookinfo/deployments", collection(list("Deployment", {deployment("v1"), deployment("v2")})));
    const json route = {{"route",
                         {{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}, {"weight", 50}},
                          {{"destination", {{"host", "reviews"}, {"subset", "v2"}}}, {"weight", 50}}}}};
    server->Get(R"(/apis/networking\.istio\.io/([^/]+)/namespaces/bookinfo/virtualservices)",
                collection(list("VirtualService", {{{"metadata", {{"name", "reviews"}, {"namespace", "bookinfo"}, {"resourceVersion", "5"}}},
                                                    {"spec", {{"hosts", {"reviews"}}, {"http", {route}}}}}})));
    server->Get(R"(/apis/networking\.istio\.io/([^/]+)/namespaces/bookinfo/destinationrules)",
                [send, &destinationRuleLists](const httplib::Request&, httplib::Response& response) {
                    ++destinationRuleLists;
                    send(response, forbidden("destinationrules", "networking.istio.io"), 403);
                });
    // No Gateway API installed: 404, as a cluster without its CRDs answers.
    server->Get(R"(/apis/gateway\.networking\.k8s\.io/.*)", [send](const httplib::Request&, httplib::Response& response) {
        send(response, {{"kind", "Status"}, {"status", "Failure"}, {"reason", "NotFound"}, {"code", 404}}, 404);
    });
    server->Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                 [send](const httplib::Request& request, httplib::Response& response) {
                     json review = json::parse(request.body);
                     const json& attributes = review["spec"]["resourceAttributes"];
                     const bool allowed = attributes.value("resource", "") != "destinationrules";
                     review["status"] = {{"allowed", allowed}};
                     send(response, review, 201);
                 });
    server->Post("/apis/authentication.k8s.io/v1/selfsubjectreviews", [send](const httplib::Request&, httplib::Response& response) {
        send(response, {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"},
                        {"status", {{"userInfo", {{"username", User}}}}}},
             201);
    });
    return server;
}

kube::ClusterConnection connectionTo(int port)
{
    kube::ClusterConnection c;
    c.contextName = "team-dev@prod";
    c.userName = "team-dev";
    c.server = "http://127.0.0.1:" + std::to_string(port);
    c.namespaceName = "bookinfo";
    c.bearerToken = "team-dev-token";
    return c;
}

} // namespace

void TestForbiddenKind::oneForbiddenKindIsHiddenAndNamed()
{
    std::atomic<int> destinationRuleLists = 0;
    LocalServer server(apiServer(destinationRuleLists));
    ClusterSession session(connectionTo(server.port()));

    // The loader: the namespace is shown, without DestinationRules, and says why.
    MeshTopologyLoader loader(&session);
    QSignalSpy loaded(&loader, &MeshTopologyLoader::topologyAvailable);
    QSignalSpy failed(&loader, &MeshTopologyLoader::loadFailed);
    loader.refresh(); // the session's namespace, bookinfo
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 15000);
    QCOMPARE(failed.count(), 0);
    QVERIFY(destinationRuleLists > 0); // asked, and refused: not left out unasked
    const auto topologies = loaded.first().first().value<MeshTopologies>();
    QCOMPARE(topologies.namespaceNames(), QStringList{QStringLiteral("bookinfo")});
    const MeshTopology* bookinfo = topologies.find(QStringLiteral("bookinfo"));
    QVERIFY(bookinfo);
    QVERIFY(bookinfo->service(QStringLiteral("reviews")));
    QCOMPARE(bookinfo->workloadsOf(QStringLiteral("reviews")).size(), 2);
    QVERIFY(bookinfo->virtualServiceFor(QStringLiteral("reviews")));
    QVERIFY(bookinfo->destinationRules.isEmpty());
    QCOMPARE(topologies.hidden.size(), 1);
    const HiddenPart& hidden = topologies.hidden.first();
    QCOMPARE(hidden.namespaceName, QStringLiteral("bookinfo"));
    QCOMPARE(hidden.kind, QStringLiteral("destinationrules"));
    QVERIFY2(hidden.reason.contains(u"cannot list resource \"destinationrules\""), qPrintable(hidden.reason));

    // The graph says it in its quiet line, in the API server's words.
    MeshGraphModel model;
    GraphPanel panel(&model);
    panel.setHiddenParts(topologies.hidden);
    QVERIFY2(panel.hiddenText().startsWith(u"Hidden: destinationrules in bookinfo"), qPrintable(panel.hiddenText()));
    QVERIFY2(panel.hiddenText().contains(u"User \"team-dev\" cannot list"), qPrintable(panel.hiddenText()));

    // The status bar's badge names it once, with what it costs, and nothing else.
    AccessRestrictions restrictions(&session);
    QSignalSpy checked(&restrictions, &AccessRestrictions::checked);
    restrictions.check();
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 15000);
    ConnectionStatus status;
    status.setRestrictions(restrictions.restrictions());
    QVERIFY(!status.restrictionsBadge()->isHidden());
    QCOMPARE(status.restrictionsBadge()->text(), QStringLiteral("⚠ Limited access (1)"));
    const QString why = status.restrictionsBadge()->toolTip();
    QVERIFY2(why.startsWith(u"DestinationRules: the subsets a split moves traffic between, and circuit breakers"), qPrintable(why));
    QVERIFY2(why.contains(u"may not list destinationrules in namespace bookinfo"), qPrintable(why));
    QCOMPARE(status.restrictionsBadge()->menu()->actions().size(), 1);
}

QTEST_MAIN(TestForbiddenKind)
#include "tst_forbiddenkind.moc"

// SPDX-License-Identifier: Apache-2.0
#include "GeneratedMesh.h"
#include "TopologyFixture.h"

#include "models/graph/EdgeTelemetry.h"
#include "models/graph/GraphDocument.h"
#include "models/graph/HealthThresholds.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include "kubeclient/PrometheusClient.h"
#include "kubeclient/YamlJsonConverter.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

class TestMeshGraphModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void foldsResponseCodesIntoEdges();
    void buildsVersionedAppGraph();
    void refreshUpdatesInPlaceWithoutMovingNodes();
    void layersFollowCallDepth();
    void documentsListNodesAndEdges();
    void addsLatencyQuantilesAndClientErrors();
    void missingSidecarBadge_data();
    void missingSidecarBadge();
    void twoNamespacesOfTheSamples_data();
    void twoNamespacesOfTheSamples();
    void outsideTheNamespacesShownIsOutside();
    void trafficIntoANamespaceNotShown_data();
    void trafficIntoANamespaceNotShown();
    void addingANamespaceMovesNothing();
    void documentsCarryNamespacesAndWhatIsHidden();
    void queriesAskForEveryNamespaceShown();
};

namespace {

// Recorded shape of the edge query's answer: one series per response code.
std::string sample(const char* source, const char* sourceNs, const char* service, const char* workload,
                   const char* code, double rate, const char* destinationNs = "bookinfo")
{
    return nlohmann::json{{"metric",
                           {{"source_workload", source},
                            {"source_workload_namespace", sourceNs},
                            {"destination_service_namespace", destinationNs},
                            {"destination_service_name", service},
                            {"destination_workload", workload},
                            {"destination_version", std::string(workload).substr(std::string(workload).rfind('-') + 1)},
                            {"response_code", code}}},
                          {"value", {1764140000.0, std::to_string(rate)}}}
        .dump();
}

EdgeTelemetry telemetry(double reviewsV2Rate)
{
    const std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)"
        + sample("istio-ingressgateway", "istio-system", "productpage", "productpage-v1", "200", 20) + ","
        + sample("productpage-v1", "bookinfo", "details", "details-v1", "200", 20) + ","
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v1", "200", 16) + ","
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "200", reviewsV2Rate) + ","
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "503", 1) + ","
        + sample("reviews-v2", "bookinfo", "ratings", "ratings-v1", "200", reviewsV2Rate) + "]}}";
    const kube::PromResult result = kube::parsePrometheusResponse(200, body);
    if (!result.error.ok())
        qFatal("recorded response does not parse: %s", result.error.describe().c_str());
    return EdgeTelemetry::fromPrometheus(result);
}

const GraphEdge* findEdge(const MeshGraph& graph, const QString& source, const QString& target)
{
    for (const GraphEdge& e : graph.edges) {
        if (e.source == source && e.target == target)
            return &e;
    }
    return nullptr;
}

// Istio's Bookinfo sample as the API server would list it after `kubectl apply -n NS` of the shared
// sample files (bookinfo, all destination rules, every route to v1).
MeshTopology sampleTopology(const QString& namespaceName)
{
    using nlohmann::json;
    const QDir samples(QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples"));
    json services = json::array(), deployments = json::array(), virtualServices = json::array(), rules = json::array();
    for (const char* file : {"bookinfo.yaml", "destination-rule-all.yaml", "virtual-service-all-v1.yaml"}) {
        for (json document : kube::YamlJsonConverter::loadAll(samples.filePath(QString::fromUtf8(file)).toStdString())) {
            document["metadata"]["namespace"] = namespaceName.toStdString();
            const std::string kind = document.value("kind", "");
            if (kind == "Service")
                services.push_back(document);
            else if (kind == "Deployment")
                deployments.push_back(document);
            else if (kind == "VirtualService")
                virtualServices.push_back(document);
            else if (kind == "DestinationRule")
                rules.push_back(document);
        }
    }
    auto list = [](json items) { return std::make_shared<const json>(json{{"items", std::move(items)}}); };
    TopologyLists lists;
    lists.services = list(services);
    lists.deployments = list(deployments);
    lists.virtualServices = list(virtualServices);
    lists.destinationRules = list(rules);
    return topologyOf(namespaceName, lists);
}

// Traffic in two namespaces holding Bookinfo: each entered through the ingress gateway, a call from
// the copy's productpage to the original's reviews, a caller from a namespace not shown and one
// Istio could not identify.
EdgeTelemetry twoNamespaceTraffic()
{
    const std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)"
        + sample("istio-ingressgateway", "istio-system", "productpage", "productpage-v1", "200", 20) + ","
        + sample("istio-ingressgateway", "istio-system", "productpage", "productpage-v1", "200", 10, "bookinfo-copy") + ","
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v1", "200", 16) + ","
        + sample("productpage-v1", "bookinfo-copy", "reviews", "reviews-v1", "200", 5) + ","
        + sample("productpage-v1", "bookinfo-copy", "reviews", "reviews-v1", "503", 1) + ","
        + sample("productpage-v1", "bookinfo-copy", "details", "details-v1", "200", 4, "bookinfo-copy") + ","
        + sample("checkout-v1", "payments", "details", "details-v1", "200", 3, "bookinfo-copy") + ","
        + sample("unknown", "unknown", "details", "details-v1", "200", 2) + "]}}";
    const kube::PromResult result = kube::parsePrometheusResponse(200, body);
    if (!result.error.ok())
        qFatal("recorded response does not parse: %s", result.error.describe().c_str());
    return EdgeTelemetry::fromPrometheus(result);
}

const GraphNode* findNode(const MeshGraph& graph, const QString& id)
{
    for (const GraphNode& n : graph.nodes) {
        if (n.id == id)
            return &n;
    }
    return nullptr;
}

} // namespace

void TestMeshGraphModel::foldsResponseCodesIntoEdges()
{
    const EdgeTelemetry t = telemetry(3);
    QCOMPARE(t.samples.size(), 5);
    const auto v2 = std::find_if(t.samples.cbegin(), t.samples.cend(), [](const EdgeSample& s) {
        return s.destinationWorkload == u"reviews-v2";
    });
    QVERIFY(v2 != t.samples.cend());
    QCOMPARE(v2->requestsPerSecond, 4.0);
    QCOMPARE(v2->errorsPerSecond, 1.0);
    QCOMPARE(v2->destinationVersion, QStringLiteral("v2"));
}

void TestMeshGraphModel::buildsVersionedAppGraph()
{
    const MeshGraph graph = MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), telemetry(3),
                                                    {GraphKind::VersionedApp, true});
    // 4 services, 6 workloads, and the ingress gateway calling from outside the namespace.
    QCOMPARE(graph.nodes.size(), 11);
    const GraphEdge* ingress = findEdge(graph, QStringLiteral("ext:istio-system/istio-ingressgateway"),
                                        QStringLiteral("svc:bookinfo/productpage"));
    QVERIFY(ingress);
    QCOMPARE(ingress->requestsPerSecond, 20.0);
    const GraphEdge* toReviews = findEdge(graph, QStringLiteral("wl:bookinfo/productpage-v1"), QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY(toReviews);
    QCOMPARE(toReviews->requestsPerSecond, 20.0);
    QCOMPARE(toReviews->errorRatio, 0.05);
    const GraphEdge* toV2 = findEdge(graph, QStringLiteral("svc:bookinfo/reviews"), QStringLiteral("wl:bookinfo/reviews-v2"));
    QVERIFY(toV2);
    QCOMPARE(toV2->requestsPerSecond, 4.0);
    // reviews v1 calls nothing, so ratings is reached only from v2 here.
    QVERIFY(findEdge(graph, QStringLiteral("wl:bookinfo/reviews-v2"), QStringLiteral("svc:bookinfo/ratings")));
    QVERIFY(!findEdge(graph, QStringLiteral("wl:bookinfo/reviews-v1"), QStringLiteral("svc:bookinfo/ratings")));
    // Idle version workloads are still nodes: reviews-v3 exists even without traffic.
    QVERIFY(std::any_of(graph.nodes.cbegin(), graph.nodes.cend(), [](const GraphNode& n) { return n.id == u"wl:bookinfo/reviews-v3"; }));
    const auto reviews = std::find_if(graph.nodes.cbegin(), graph.nodes.cend(),
                                      [](const GraphNode& n) { return n.id == u"svc:bookinfo/reviews"; });
    QVERIFY(reviews->hasVirtualService);
    QVERIFY(reviews->hasTrafficSplit);
}

void TestMeshGraphModel::refreshUpdatesInPlaceWithoutMovingNodes()
{
    MeshGraphModel model;
    QAbstractItemModelTester nodeTester(model.nodes(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester edgeTester(model.edges(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    const GraphOptions withIdle{GraphKind::VersionedApp, true};
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(3), withIdle));
    QCOMPARE(model.nodes()->rowCount(), 11);
    QCOMPARE(model.edges()->rowCount(), 9);

    QHash<QString, QPointF> before;
    for (const GraphNode& n : model.nodes()->rows())
        before.insert(n.id, n.position);

    QSignalSpy inserted(model.edges(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(model.edges(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(model.edges(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(model.edges(), &QAbstractItemModel::dataChanged);
    QSignalSpy relayout(&model, &MeshGraphModel::layoutChanged);
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(7), withIdle));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(relayout.count(), 0);
    QVERIFY(changed.count() >= 1); // reviews, reviews -> v2, v2 -> ratings, in runs of rows
    const int row = model.edges()->rowOf(QStringLiteral("svc:bookinfo/reviews->wl:bookinfo/reviews-v2"));
    QCOMPARE(model.edges()->index(row).data(GraphEdgeModel::RateRole).toDouble(), 8.0);
    for (const GraphNode& n : model.nodes()->rows())
        QCOMPARE(n.position, before.value(n.id));

    // With idle edges hidden (the default), an edge going idle disappears; nothing moves.
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(0)));
    QCOMPARE(model.edges()->rowCount(), 7); // reviews-v2 -> ratings -> ratings-v1 went idle
    QCOMPARE(model.edges()->rowOf(QStringLiteral("wl:bookinfo/reviews-v2->svc:bookinfo/ratings")), -1);
    QCOMPARE(relayout.count(), 0);
    for (const GraphNode& n : model.nodes()->rows())
        QCOMPARE(n.position, before.value(n.id));
}

void TestMeshGraphModel::layersFollowCallDepth()
{
    MeshGraphModel model;
    model.setGraph(MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), telemetry(3),
                                           {GraphKind::VersionedApp, true}));
    auto x = [&](const char* id) {
        return model.nodes()->row(model.nodes()->rowOf(QString::fromUtf8(id))).position.x();
    };
    QVERIFY(x("ext:istio-system/istio-ingressgateway") < x("svc:bookinfo/productpage"));
    QVERIFY(x("svc:bookinfo/productpage") < x("wl:bookinfo/productpage-v1"));
    QVERIFY(x("wl:bookinfo/productpage-v1") < x("svc:bookinfo/reviews"));
    QVERIFY(x("svc:bookinfo/reviews") < x("wl:bookinfo/reviews-v2"));
    QVERIFY(x("wl:bookinfo/reviews-v2") < x("svc:bookinfo/ratings"));
    QCOMPARE(x("wl:bookinfo/reviews-v1"), x("wl:bookinfo/reviews-v3"));
}

void TestMeshGraphModel::documentsListNodesAndEdges()
{
    const MeshGraph graph = MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), telemetry(3));
    const QJsonObject json = QJsonDocument::fromJson(GraphDocument::toJson(graph, {QStringLiteral("bookinfo")}, GraphKind::VersionedApp)).object();
    QCOMPARE(json.value(u"namespaces").toArray(), QJsonArray{QStringLiteral("bookinfo")});
    QVERIFY(json.value(u"hidden").toArray().isEmpty());
    QCOMPARE(json.value(u"nodes").toArray().size(), graph.nodes.size());
    QCOMPARE(json.value(u"edges").toArray().size(), graph.edges.size());
    bool found = false;
    for (const QJsonValue& e : json.value(u"edges").toArray()) {
        if (e[u"id"].toString() == u"wl:bookinfo/productpage-v1->svc:bookinfo/reviews") {
            found = true;
            QCOMPARE(e[u"requestsPerSecond"].toDouble(), 20.0);
            QCOMPARE(e[u"errorRatio"].toDouble(), 0.05);
            QVERIFY(e[u"p99Ms"].isNull()); // no latency answer in this recording
        }
    }
    QVERIFY(found);
    const QByteArray dot = GraphDocument::toDot(graph);
    QVERIFY(dot.startsWith("digraph mesh {"));
    QVERIFY(dot.contains("\"wl:bookinfo/productpage-v1\" -> \"svc:bookinfo/reviews\" [label=\"20.0 rps\"];"));
}

void TestMeshGraphModel::addsLatencyQuantilesAndClientErrors()
{
    const std::string requests = R"({"status":"success","data":{"resultType":"vector","result":[)"
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "200", 8) + ","
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "404", 2) + "]}}";
    // The latency query's answer: one series per quantile, told apart by label_replace's "quantile".
    auto quantile = [](const char* q, double ms) {
        return nlohmann::json{{"metric", {{"source_workload", "productpage-v1"}, {"source_workload_namespace", "bookinfo"},
                                          {"destination_service_namespace", "bookinfo"}, {"destination_service_name", "reviews"}, {"destination_workload", "reviews-v2"},
                                          {"quantile", q}}},
                              {"value", {1764140000.0, std::to_string(ms)}}}.dump();
    };
    const std::string latency = R"({"status":"success","data":{"resultType":"vector","result":[)" + quantile("0.5", 4.5)
        + "," + quantile("0.95", 23) + "," + quantile("0.99", 48.2) + R"(,{"metric":{"quantile":"0.99"},"value":[1764140000,"NaN"]}]}})";
    const kube::PromResult r = kube::parsePrometheusResponse(200, requests);
    const kube::PromResult l = kube::parsePrometheusResponse(200, latency);
    const EdgeTelemetry t = EdgeTelemetry::fromPrometheus(r, &l);
    QCOMPARE(t.samples.size(), 1);
    QCOMPARE(t.samples[0].requestsPerSecond, 10.0);
    QCOMPARE(t.samples[0].clientErrorsPerSecond, 2.0);
    QCOMPARE(t.samples[0].errorsPerSecond, 0.0);
    QCOMPARE(t.samples[0].p50Ms, 4.5);
    QCOMPARE(t.samples[0].p95Ms, 23.0);
    QCOMPARE(t.samples[0].p99Ms, 48.2);
    QVERIFY(EdgeTelemetry::latencyQuery({QStringLiteral("bookinfo")}, QStringLiteral("15s")).count(u"histogram_quantile(") == 3);

    // 20 % 4xx is failing by Kiali's thresholds; 10 % degraded; any 5xx degraded, 10 % failing.
    const HealthThresholds kiali;
    QCOMPARE(kiali.classify(0, 0.2), Health::Failing);
    QCOMPARE(kiali.classify(0, 0.1), Health::Degraded);
    QCOMPARE(kiali.classify(0, 0.05), Health::Healthy);
    QCOMPARE(kiali.classify(0.001, 0), Health::Degraded);
    QCOMPARE(kiali.classify(0.1, 0), Health::Failing);
}

void TestMeshGraphModel::missingSidecarBadge_data()
{
    QTest::addColumn<QByteArray>("podSpec");
    QTest::addColumn<bool>("missing");
    QTest::newRow("injected container") << QByteArray(R"({"containers":[{"name":"app"},{"name":"istio-proxy"}]})") << false;
    QTest::newRow("native sidecar") << QByteArray(R"({"initContainers":[{"name":"istio-proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]})") << false;
    QTest::newRow("not injected") << QByteArray(R"({"containers":[{"name":"app"}]})") << true;
    QTest::newRow("no spec") << QByteArray("{}") << true;
}

void TestMeshGraphModel::missingSidecarBadge()
{
    QFETCH(QByteArray, podSpec);
    QFETCH(bool, missing);
    using nlohmann::json;
    const json labels{{"app", "ratings"}, {"version", "v1"}};
    auto list = [](json item) { return std::make_shared<const json>(json{{"items", json::array({std::move(item)})}}); };
    TopologyLists lists;
    lists.services = list({{"metadata", {{"name", "ratings"}}}, {"spec", {{"selector", {{"app", "ratings"}}}}}});
    lists.deployments = list({{"metadata", {{"name", "ratings-v1"}}},
                              {"spec", {{"selector", {{"matchLabels", labels}}}, {"template", {{"metadata", {{"labels", labels}}}}}}}});
    lists.pods = list({{"metadata", {{"name", "ratings-v1-abc"}, {"labels", labels}}}, {"spec", json::parse(podSpec.toStdString())}});
    const MeshTopology topology = topologyOf(QStringLiteral("bookinfo"), lists);
    QCOMPARE(topology.workloads.first().podsWithoutSidecar, missing ? 1 : 0);

    // Both the workload and the service it serves wear the badge, so every graph kind shows it.
    const MeshGraph graph = MeshGraphBuilder::build(topology, {}, {GraphKind::VersionedApp, true});
    for (const QString& id : {QStringLiteral("svc:bookinfo/ratings"), QStringLiteral("wl:bookinfo/ratings-v1")}) {
        const auto node = std::find_if(graph.nodes.cbegin(), graph.nodes.cend(), [&](const GraphNode& n) { return n.id == id; });
        QVERIFY2(node != graph.nodes.cend(), qPrintable(id));
        QCOMPARE(node->missingSidecar, missing);
    }
}

void TestMeshGraphModel::twoNamespacesOfTheSamples_data()
{
    QTest::addColumn<int>("kindNumber");
    QTest::addColumn<QString>("crossSource");
    QTest::addColumn<QString>("crossTarget");
    QTest::addColumn<int>("nodeCount");
    // Bookinfo has 4 services and 6 version workloads; plus the gateway, payments' caller and unknown.
    QTest::newRow("versioned app") << int(GraphKind::VersionedApp) << QStringLiteral("wl:bookinfo-copy/productpage-v1")
                                   << QStringLiteral("svc:bookinfo/reviews") << 2 * 10 + 3;
    QTest::newRow("service") << int(GraphKind::Service) << QStringLiteral("svc:bookinfo-copy/productpage")
                             << QStringLiteral("svc:bookinfo/reviews") << 2 * 4 + 3;
    QTest::newRow("workload") << int(GraphKind::Workload) << QStringLiteral("wl:bookinfo-copy/productpage-v1")
                              << QStringLiteral("wl:bookinfo/reviews-v1") << 2 * 6 + 3;
}

void TestMeshGraphModel::twoNamespacesOfTheSamples()
{
    QFETCH(int, kindNumber);
    const auto kind = GraphKind(kindNumber);
    QFETCH(QString, crossSource);
    QFETCH(QString, crossTarget);
    QFETCH(int, nodeCount);
    const MeshTopologies both{{sampleTopology(QStringLiteral("bookinfo")), sampleTopology(QStringLiteral("bookinfo-copy"))}, {}};
    QCOMPARE(both.namespaces[1].services.size(), 4);
    const MeshGraph graph = MeshGraphBuilder::build(both, twoNamespaceTraffic(), {kind, true});
    QCOMPARE(graph.nodes.size(), nodeCount);

    // Every node says its namespace, in its id and on its box: the same names live in both.
    for (const GraphNode& node : graph.nodes) {
        if (node.kind == GraphNodeKind::External)
            continue;
        QVERIFY2(node.id.contains(u':' + node.namespaceName + u'/'), qPrintable(node.id));
        QVERIFY(node.namespaceShown);
    }
    const QStringList names = {QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy")};
    for (const QString& ns : names) {
        const QString reviews = kind == GraphKind::Workload ? QStringLiteral("wl:%1/reviews-v1").arg(ns)
                                                            : QStringLiteral("svc:%1/reviews").arg(ns);
        QVERIFY2(findNode(graph, reviews), qPrintable(reviews));
        QCOMPARE(findNode(graph, reviews)->namespaceName, ns);
    }
    // The call from one namespace shown into the other joins their nodes: 6 requests/s, 1 a 503.
    const GraphEdge* cross = findEdge(graph, crossSource, crossTarget);
    QVERIFY(cross);
    QCOMPARE(cross->requestsPerSecond, 6.0);
    QCOMPARE(cross->errorRatio, 1.0 / 6);
    // The gateway calls into both namespaces from outside them.
    const GraphNode* gateway = findNode(graph, QStringLiteral("ext:istio-system/istio-ingressgateway"));
    QVERIFY(gateway);
    QCOMPARE(gateway->kind, GraphNodeKind::External);
    QCOMPARE(gateway->namespaceName, QStringLiteral("istio-system"));
    const auto fromGateway = std::count_if(graph.edges.cbegin(), graph.edges.cend(),
                                           [&](const GraphEdge& e) { return e.source == gateway->id; });
    QCOMPARE(fromGateway, 2);
}

void TestMeshGraphModel::outsideTheNamespacesShownIsOutside()
{
    // Only bookinfo shown: the copy's productpage is a caller from outside, like the payments one.
    const MeshTopologies one{{sampleTopology(QStringLiteral("bookinfo"))}, {}};
    const MeshGraph graph = MeshGraphBuilder::build(one, twoNamespaceTraffic(), {GraphKind::VersionedApp, false});
    const GraphNode* copy = findNode(graph, QStringLiteral("ext:bookinfo-copy/productpage-v1"));
    QVERIFY(copy);
    QCOMPARE(copy->kind, GraphNodeKind::External);
    QCOMPARE(copy->namespaceName, QStringLiteral("bookinfo-copy"));
    QVERIFY(findEdge(graph, copy->id, QStringLiteral("svc:bookinfo/reviews")));
    const GraphNode* unknown = findNode(graph, QStringLiteral("ext:unknown"));
    QVERIFY(unknown);
    QVERIFY(unknown->namespaceName.isEmpty());
    QVERIFY(findEdge(graph, unknown->id, QStringLiteral("svc:bookinfo/details")));
    // Traffic to the namespace not shown is not drawn, and one namespace needs no naming on the boxes.
    for (const GraphNode& node : graph.nodes) {
        QVERIFY2(!node.id.startsWith(QStringLiteral("svc:bookinfo-copy/")), qPrintable(node.id));
        QVERIFY(!node.namespaceShown);
    }
    QVERIFY(!findNode(graph, QStringLiteral("ext:payments/checkout-v1"))); // it called only the copy
}

void TestMeshGraphModel::trafficIntoANamespaceNotShown_data()
{
    QTest::addColumn<int>("kindNumber");
    QTest::addColumn<QString>("caller");
    QTest::addColumn<QString>("outside");
    QTest::addColumn<QString>("outsideName");
    QTest::newRow("versioned app") << int(GraphKind::VersionedApp) << QStringLiteral("wl:bookinfo/reviews-v2")
                                   << QStringLiteral("svc:payments/ratings") << QStringLiteral("ratings");
    QTest::newRow("service") << int(GraphKind::Service) << QStringLiteral("svc:bookinfo/reviews")
                             << QStringLiteral("svc:payments/ratings") << QStringLiteral("ratings");
    QTest::newRow("workload") << int(GraphKind::Workload) << QStringLiteral("wl:bookinfo/reviews-v2")
                              << QStringLiteral("ext:payments/ratings-v1") << QStringLiteral("ratings-v1");
}

void TestMeshGraphModel::trafficIntoANamespaceNotShown()
{
    QFETCH(int, kindNumber);
    const auto kind = GraphKind(kindNumber);
    QFETCH(QString, caller);
    QFETCH(QString, outside);
    QFETCH(QString, outsideName);
    // Bookinfo shown, its reviews-v2 calling a ratings service of payments (same name as its own),
    // and payments calling itself, which is no part of this graph.
    const std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)"
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "200", 10) + ","
        + sample("reviews-v2", "bookinfo", "ratings", "ratings-v1", "200", 6) + ","
        + sample("reviews-v2", "bookinfo", "ratings", "ratings-v1", "200", 3, "payments") + ","
        + sample("reviews-v2", "bookinfo", "ratings", "ratings-v1", "503", 1, "payments") + ","
        + sample("checkout-v1", "payments", "ratings", "ratings-v1", "200", 7, "payments") + "]}}";
    const kube::PromResult result = kube::parsePrometheusResponse(200, body);
    QVERIFY(result.error.ok());
    const MeshTopologies shown{{sampleTopology(QStringLiteral("bookinfo"))}, {}};
    const MeshGraph graph = MeshGraphBuilder::build(shown, EdgeTelemetry::fromPrometheus(result), {kind, false});

    // Drawn as Kiali does: the destination as a node of its own namespace, marked as outside.
    const GraphNode* node = findNode(graph, outside);
    QVERIFY2(node, qPrintable(outside));
    QCOMPARE(node->kind, GraphNodeKind::External);
    QCOMPARE(node->name, outsideName);
    QCOMPARE(node->namespaceName, QStringLiteral("payments"));
    QCOMPARE(node->service, QStringLiteral("ratings"));
    QCOMPARE(node->requestsPerSecond, 4.0);
    const GraphEdge* edge = findEdge(graph, caller, outside);
    QVERIFY(edge);
    QCOMPARE(edge->requestsPerSecond, 4.0);
    QCOMPARE(edge->errorRatio, 0.25);
    // The same name in the namespace shown is another node with its own traffic.
    const QString ownRatings = kind == GraphKind::Workload ? QStringLiteral("wl:bookinfo/ratings-v1") : QStringLiteral("svc:bookinfo/ratings");
    QVERIFY(findNode(graph, ownRatings));
    QCOMPARE(findEdge(graph, caller, ownRatings)->requestsPerSecond, 6.0);
    // reviews' calls split 6 : 4 between its own namespace and the other.
    QCOMPARE(edge->share, 0.4);
    // payments' own traffic is not drawn: its caller is not a node, nothing arrives from it.
    QVERIFY(!findNode(graph, QStringLiteral("ext:payments/checkout-v1")));
    QCOMPARE(std::count_if(graph.edges.cbegin(), graph.edges.cend(), [&](const GraphEdge& e) { return e.target == outside; }), 1);
    // A service links only to versions of its own namespace: nothing from bookinfo's ratings into payments.
    for (const GraphEdge& e : graph.edges) {
        if (e.source.startsWith(QStringLiteral("svc:bookinfo/")))
            QVERIFY2(!e.target.contains(QStringLiteral("payments/")) || e.source == caller, qPrintable(e.id));
    }

    // Both exports carry it: the JSON with its namespace, kind and numbers; the DOT in payments' cluster.
    const QJsonObject json = QJsonDocument::fromJson(GraphDocument::toJson(graph, {QStringLiteral("bookinfo")}, kind, {})).object();
    const QJsonArray nodes = json.value(u"nodes").toArray();
    const auto jsonNode = std::find_if(nodes.cbegin(), nodes.cend(), [&](const QJsonValue& n) { return n[u"id"].toString() == outside; });
    QVERIFY(jsonNode != nodes.cend());
    QCOMPARE((*jsonNode)[u"kind"].toString(), QStringLiteral("external"));
    QCOMPARE((*jsonNode)[u"namespace"].toString(), QStringLiteral("payments"));
    QCOMPARE((*jsonNode)[u"requestsPerSecond"].toDouble(), 4.0);
    const QJsonArray edges = json.value(u"edges").toArray();
    const auto jsonEdge = std::find_if(edges.cbegin(), edges.cend(), [&](const QJsonValue& e) {
        return e[u"source"].toString() == caller && e[u"target"].toString() == outside;
    });
    QVERIFY(jsonEdge != edges.cend());
    QCOMPARE((*jsonEdge)[u"requestsPerSecond"].toDouble(), 4.0);
    const QString dot = QString::fromUtf8(GraphDocument::toDot(graph));
    const qsizetype payments = dot.indexOf(QStringLiteral("label=\"payments\";"));
    QVERIFY(payments > 0);
    QVERIFY(dot.mid(payments, dot.indexOf(QStringLiteral("  }"), payments) - payments).contains(u'"' + outside + u'"'));
    QVERIFY(dot.contains(QStringLiteral("  \"%1\" -> \"%2\" [label=\"4.0 rps\"];").arg(caller, outside)));
}

void TestMeshGraphModel::addingANamespaceMovesNothing()
{
    MeshGraphModel model;
    QAbstractItemModelTester nodeTester(model.nodes(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester edgeTester(model.edges(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const GeneratedMesh mesh = generatedMesh(60);
    const MeshTopology bookinfo = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    EdgeTelemetry traffic = mesh.telemetry;
    traffic.samples.append(telemetry(3).samples);
    // A call across: the mesh's first service calls bookinfo's ratings.
    EdgeSample across;
    across.sourceWorkload = QStringLiteral("svc-0000-v1");
    across.sourceNamespace = QStringLiteral("mesh");
    across.destinationNamespace = QStringLiteral("bookinfo");
    across.destinationService = QStringLiteral("ratings");
    across.destinationWorkload = QStringLiteral("ratings-v1");
    across.requestsPerSecond = 2;
    traffic.samples.append(across);

    // Bookinfo alone: the mesh's caller is outside it, and the mesh's own traffic is not drawn.
    model.setGraph(MeshGraphBuilder::build(MeshTopologies{{bookinfo}, {}}, traffic));
    QHash<QString, QPointF> before;
    for (const GraphNode& n : model.nodes()->rows())
        before.insert(n.id, n.position);
    QVERIFY(before.contains(QStringLiteral("ext:mesh/svc-0000-v1")));
    QVERIFY(!before.contains(QStringLiteral("svc:mesh/svc-0000")));

    QSignalSpy resets(model.nodes(), &QAbstractItemModel::modelReset);
    model.setGraph(MeshGraphBuilder::build(MeshTopologies{{bookinfo, mesh.topology}, {}}, traffic));
    QCOMPARE(resets.count(), 0);
    QVERIFY(model.nodes()->rowOf(QStringLiteral("svc:mesh/svc-0001")) >= 0);
    QVERIFY(model.edges()->rowOf(QStringLiteral("wl:mesh/svc-0000-v1->svc:bookinfo/ratings")) >= 0);
    // The caller that was outside is now the mesh's own workload; every bookinfo node kept its place.
    QCOMPARE(model.nodes()->rowOf(QStringLiteral("ext:mesh/svc-0000-v1")), -1);
    for (const GraphNode& n : model.nodes()->rows()) {
        if (n.namespaceName == u"bookinfo")
            QCOMPARE(n.position, before.value(n.id));
    }

    // And taking the mesh away again removes its rows; what stays has not moved.
    model.setGraph(MeshGraphBuilder::build(MeshTopologies{{bookinfo}, {}}, traffic));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.nodes()->rowOf(QStringLiteral("svc:mesh/svc-0001")), -1);
    for (const GraphNode& n : model.nodes()->rows())
        QCOMPARE(n.position, before.value(n.id));
}

void TestMeshGraphModel::documentsCarryNamespacesAndWhatIsHidden()
{
    const MeshTopologies both{{sampleTopology(QStringLiteral("bookinfo")), sampleTopology(QStringLiteral("bookinfo-copy"))},
                              {{QStringLiteral("payments"), QString(), QStringLiteral("namespaces \"payments\" is forbidden")},
                               {QStringLiteral("bookinfo-copy"), QStringLiteral("virtualservices"), QStringLiteral("forbidden")}}};
    const MeshGraph graph = MeshGraphBuilder::build(both, twoNamespaceTraffic());
    const QJsonObject json =
        QJsonDocument::fromJson(GraphDocument::toJson(graph, {QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy"), QStringLiteral("payments")},
                                                      GraphKind::VersionedApp, both.hidden))
            .object();
    QCOMPARE(json.value(u"namespaces").toArray().size(), 3);
    QSet<QString> namespacesOfNodes;
    for (const QJsonValue& node : json.value(u"nodes").toArray()) {
        QVERIFY(node.toObject().contains(u"namespace"));
        namespacesOfNodes.insert(node[u"namespace"].toString());
    }
    QCOMPARE(namespacesOfNodes, (QSet<QString>{QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy"),
                                                QStringLiteral("istio-system"), QStringLiteral("payments"), QString()}));
    const QJsonArray hidden = json.value(u"hidden").toArray();
    QCOMPARE(hidden.size(), 2);
    QCOMPARE(hidden[0][u"namespace"].toString(), QStringLiteral("payments"));
    QCOMPARE(hidden[1][u"kind"].toString(), QStringLiteral("virtualservices"));
    QCOMPARE(both.hidden[0].describe(), QStringLiteral("namespace payments — namespaces \"payments\" is forbidden"));
    QCOMPARE(both.hidden[1].describe(), QStringLiteral("virtualservices in bookinfo-copy — forbidden"));

    // DOT: a cluster per namespace holding its nodes; unknown callers outside every cluster.
    const QString dot = QString::fromUtf8(GraphDocument::toDot(graph));
    const qsizetype copy = dot.indexOf(QStringLiteral("label=\"bookinfo-copy\";"));
    QVERIFY(copy > 0);
    const qsizetype end = dot.indexOf(QStringLiteral("  }"), copy);
    QVERIFY(dot.mid(copy, end - copy).contains(QStringLiteral("\"svc:bookinfo-copy/details\"")));
    QVERIFY(!dot.mid(copy, end - copy).contains(QStringLiteral("\"svc:bookinfo/reviews\"")));
    QVERIFY(dot.contains(QStringLiteral("\n  \"ext:unknown\" [label=\"unknown\"")));
}

void TestMeshGraphModel::queriesAskForEveryNamespaceShown()
{
    const QStringList two{QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy")};
    QVERIFY(EdgeTelemetry::requestsQuery(two, QStringLiteral("15s")).contains(u"destination_service_namespace=~\"bookinfo|bookinfo-copy\""));
    QVERIFY(EdgeTelemetry::latencyQuery(two, QStringLiteral("15s")).count(u"destination_service_namespace=~\"bookinfo|bookinfo-copy\"") == 3);
    QVERIFY(EdgeTelemetry::requestsQuery({QStringLiteral("bookinfo")}, QStringLiteral("15s")).contains(u"destination_service_namespace=\"bookinfo\""));
    // And what leaves them for namespaces not shown, disjoint from what arrives, so nothing counts twice.
    QVERIFY(EdgeTelemetry::requestsQuery(two, QStringLiteral("15s"))
                .contains(u"source_workload_namespace=~\"bookinfo|bookinfo-copy\", destination_service_namespace!~\"bookinfo|bookinfo-copy\""));
    QVERIFY(EdgeTelemetry::latencyQuery(two, QStringLiteral("15s")).count(u"destination_service_namespace!~\"bookinfo|bookinfo-copy\"") == 3);
    QVERIFY(EdgeTelemetry::requestsQuery({QStringLiteral("bookinfo")}, QStringLiteral("15s"))
                .contains(u"source_workload_namespace=\"bookinfo\", destination_service_namespace!=\"bookinfo\""));
    // The same caller and service names in two namespaces are two edges, not one.
    const EdgeTelemetry t = twoNamespaceTraffic();
    QCOMPARE(t.samples.size(), 7);
    const auto ingress = std::count_if(t.samples.cbegin(), t.samples.cend(), [](const EdgeSample& s) {
        return s.sourceWorkload == u"istio-ingressgateway" && s.destinationService == u"productpage";
    });
    QCOMPARE(ingress, 2);
}

QTEST_GUILESS_MAIN(TestMeshGraphModel)
#include "tst_meshgraphmodel.moc"

// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "models/graph/EdgeTelemetry.h"
#include "models/graph/GraphDocument.h"
#include "models/graph/HealthThresholds.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include "kubeclient/PrometheusClient.h"

#include <QAbstractItemModelTester>
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
};

namespace {

// Recorded shape of the edge query's answer: one series per response code.
std::string sample(const char* source, const char* sourceNs, const char* service, const char* workload,
                   const char* code, double rate)
{
    return nlohmann::json{{"metric",
                           {{"source_workload", source},
                            {"source_workload_namespace", sourceNs},
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
                                        QStringLiteral("svc:productpage"));
    QVERIFY(ingress);
    QCOMPARE(ingress->requestsPerSecond, 20.0);
    const GraphEdge* toReviews = findEdge(graph, QStringLiteral("wl:productpage-v1"), QStringLiteral("svc:reviews"));
    QVERIFY(toReviews);
    QCOMPARE(toReviews->requestsPerSecond, 20.0);
    QCOMPARE(toReviews->errorRatio, 0.05);
    const GraphEdge* toV2 = findEdge(graph, QStringLiteral("svc:reviews"), QStringLiteral("wl:reviews-v2"));
    QVERIFY(toV2);
    QCOMPARE(toV2->requestsPerSecond, 4.0);
    // reviews v1 calls nothing, so ratings is reached only from v2 here.
    QVERIFY(findEdge(graph, QStringLiteral("wl:reviews-v2"), QStringLiteral("svc:ratings")));
    QVERIFY(!findEdge(graph, QStringLiteral("wl:reviews-v1"), QStringLiteral("svc:ratings")));
    // Idle version workloads are still nodes: reviews-v3 exists even without traffic.
    QVERIFY(std::any_of(graph.nodes.cbegin(), graph.nodes.cend(), [](const GraphNode& n) { return n.id == u"wl:reviews-v3"; }));
    const auto reviews = std::find_if(graph.nodes.cbegin(), graph.nodes.cend(),
                                      [](const GraphNode& n) { return n.id == u"svc:reviews"; });
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
    const int row = model.edges()->rowOf(QStringLiteral("svc:reviews->wl:reviews-v2"));
    QCOMPARE(model.edges()->index(row).data(GraphEdgeModel::RateRole).toDouble(), 8.0);
    for (const GraphNode& n : model.nodes()->rows())
        QCOMPARE(n.position, before.value(n.id));

    // With idle edges hidden (the default), an edge going idle disappears; nothing moves.
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(0)));
    QCOMPARE(model.edges()->rowCount(), 7); // reviews-v2 -> ratings -> ratings-v1 went idle
    QCOMPARE(model.edges()->rowOf(QStringLiteral("wl:reviews-v2->svc:ratings")), -1);
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
    QVERIFY(x("ext:istio-system/istio-ingressgateway") < x("svc:productpage"));
    QVERIFY(x("svc:productpage") < x("wl:productpage-v1"));
    QVERIFY(x("wl:productpage-v1") < x("svc:reviews"));
    QVERIFY(x("svc:reviews") < x("wl:reviews-v2"));
    QVERIFY(x("wl:reviews-v2") < x("svc:ratings"));
    QCOMPARE(x("wl:reviews-v1"), x("wl:reviews-v3"));
}

void TestMeshGraphModel::documentsListNodesAndEdges()
{
    const MeshGraph graph = MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), telemetry(3));
    const QJsonObject json = QJsonDocument::fromJson(GraphDocument::toJson(graph, QStringLiteral("bookinfo"), GraphKind::VersionedApp)).object();
    QCOMPARE(json.value(u"namespace").toString(), QStringLiteral("bookinfo"));
    QCOMPARE(json.value(u"nodes").toArray().size(), graph.nodes.size());
    QCOMPARE(json.value(u"edges").toArray().size(), graph.edges.size());
    bool found = false;
    for (const QJsonValue& e : json.value(u"edges").toArray()) {
        if (e[u"id"].toString() == u"wl:productpage-v1->svc:reviews") {
            found = true;
            QCOMPARE(e[u"requestsPerSecond"].toDouble(), 20.0);
            QCOMPARE(e[u"errorRatio"].toDouble(), 0.05);
            QVERIFY(e[u"p99Ms"].isNull()); // no latency answer in this recording
        }
    }
    QVERIFY(found);
    const QByteArray dot = GraphDocument::toDot(graph);
    QVERIFY(dot.startsWith("digraph mesh {"));
    QVERIFY(dot.contains("\"wl:productpage-v1\" -> \"svc:reviews\" [label=\"20.0 rps\"];"));
}

void TestMeshGraphModel::addsLatencyQuantilesAndClientErrors()
{
    const std::string requests = R"({"status":"success","data":{"resultType":"vector","result":[)"
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "200", 8) + ","
        + sample("productpage-v1", "bookinfo", "reviews", "reviews-v2", "404", 2) + "]}}";
    // The latency query's answer: one series per quantile, told apart by label_replace's "quantile".
    auto quantile = [](const char* q, double ms) {
        return nlohmann::json{{"metric", {{"source_workload", "productpage-v1"}, {"source_workload_namespace", "bookinfo"},
                                          {"destination_service_name", "reviews"}, {"destination_workload", "reviews-v2"},
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
    QVERIFY(EdgeTelemetry::latencyQuery(QStringLiteral("bookinfo"), QStringLiteral("15s")).count(u"histogram_quantile(") == 3);

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
    MeshTopologyParser::Lists lists;
    lists.services = list({{"metadata", {{"name", "ratings"}}}, {"spec", {{"selector", {{"app", "ratings"}}}}}});
    lists.deployments = list({{"metadata", {{"name", "ratings-v1"}}},
                              {"spec", {{"selector", {{"matchLabels", labels}}}, {"template", {{"metadata", {{"labels", labels}}}}}}}});
    lists.pods = list({{"metadata", {{"name", "ratings-v1-abc"}, {"labels", labels}}}, {"spec", json::parse(podSpec.toStdString())}});
    const MeshTopology topology = MeshTopologyParser::parse(QStringLiteral("bookinfo"), lists);
    QCOMPARE(topology.workloads.first().podsWithoutSidecar, missing ? 1 : 0);

    // Both the workload and the service it serves wear the badge, so every graph kind shows it.
    const MeshGraph graph = MeshGraphBuilder::build(topology, {}, {GraphKind::VersionedApp, true});
    for (const QString& id : {QStringLiteral("svc:ratings"), QStringLiteral("wl:ratings-v1")}) {
        const auto node = std::find_if(graph.nodes.cbegin(), graph.nodes.cend(), [&](const GraphNode& n) { return n.id == id; });
        QVERIFY2(node != graph.nodes.cend(), qPrintable(id));
        QCOMPARE(node->missingSidecar, missing);
    }
}

QTEST_GUILESS_MAIN(TestMeshGraphModel)
#include "tst_meshgraphmodel.moc"

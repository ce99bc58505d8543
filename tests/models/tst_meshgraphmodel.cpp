// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "models/graph/EdgeTelemetry.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include "kubeclient/PrometheusClient.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

class TestMeshGraphModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void foldsResponseCodesIntoEdges();
    void buildsVersionedAppGraph();
    void refreshUpdatesInPlaceWithoutMovingNodes();
    void layersFollowCallDepth();
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
    const MeshGraph graph = MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), telemetry(3));
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
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(3)));
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
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(7)));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(relayout.count(), 0);
    QVERIFY(changed.count() >= 3); // reviews, reviews -> v2, v2 -> ratings
    const int row = model.edges()->rowOf(QStringLiteral("svc:reviews->wl:reviews-v2"));
    QCOMPARE(model.edges()->index(row).data(GraphEdgeModel::RateRole).toDouble(), 8.0);
    for (const GraphNode& n : model.nodes()->rows())
        QCOMPARE(n.position, before.value(n.id));

    // An edge going idle disappears, but the layout keeps its place.
    model.setGraph(MeshGraphBuilder::build(topology, telemetry(0)));
    QCOMPARE(removed.count(), 2); // reviews-v2 -> ratings -> ratings-v1
    QCOMPARE(relayout.count(), 0);
}

void TestMeshGraphModel::layersFollowCallDepth()
{
    MeshGraphModel model;
    model.setGraph(MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), telemetry(3)));
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

QTEST_GUILESS_MAIN(TestMeshGraphModel)
#include "tst_meshgraphmodel.moc"

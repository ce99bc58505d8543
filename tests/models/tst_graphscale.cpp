// SPDX-License-Identifier: Apache-2.0
// The graph model on generated meshes: consistency at scale, stable placement of new nodes, the
// background layout and its stale results, and the three graph kinds.
#include "GeneratedMesh.h"

#include "models/graph/LayeredLayout.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <memory>
#include <set>

class TestGraphScale : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void generatedMeshIsLayered();
    void workloadsByServiceMatchesSelectors_data();
    void workloadsByServiceMatchesSelectors();
    void graphKinds_data();
    void graphKinds();
    void largeGraphRefreshesInPlace();
    void newNodeIsPlacedWithoutMovingOthers();
    void returningNodeGetsItsOldPlace();
    void relayoutOfTheSameGraphLaysOutAfresh();
    void backgroundLayoutPublishesLatestGraph();
    void resetDropsARunningLayout();
    void modelDestroyedWhileLayingOut();
    void layoutHandlesCycles();
    void largeGraphFillsTheViewsShape_data();
    void largeGraphFillsTheViewsShape();
};

namespace {

QHash<QString, QPointF> positions(const MeshGraphModel& model)
{
    QHash<QString, QPointF> result;
    for (const GraphNode& n : model.nodes()->rows())
        result.insert(n.id, n.position);
    return result;
}

bool noTwoNodesShareAPlace(const MeshGraphModel& model)
{
    std::set<std::pair<double, double>> seen;
    for (const GraphNode& n : model.nodes()->rows()) {
        if (!seen.insert({n.position.x(), n.position.y()}).second)
            return false;
    }
    return true;
}

} // namespace

void TestGraphScale::generatedMeshIsLayered()
{
    const GeneratedMesh mesh = generatedMesh(500);
    QCOMPARE(mesh.topology.services.size(), 500);
    QCOMPARE(mesh.topology.workloads.size(), 1250); // 2 or 3 versions each
    QVERIFY(mesh.callCount > 2 * 500 && mesh.callCount <= 3 * 500); // about 3 calls per service

    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(std::numeric_limits<int>::max());
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    QVERIFY(noTwoNodesShareAPlace(model));
    // Every call goes right: callers sit in an earlier layer than what they call.
    for (const GraphEdge& e : model.edges()->rows()) {
        const QPointF from = model.nodes()->row(model.nodes()->rowOf(e.source)).position;
        const QPointF to = model.nodes()->row(model.nodes()->rowOf(e.target)).position;
        QVERIFY2(from.x() < to.x(), qPrintable(e.id));
    }
}

void TestGraphScale::workloadsByServiceMatchesSelectors_data()
{
    QTest::addColumn<int>("services");
    QTest::newRow("bookinfo-sized") << 4;
    QTest::newRow("500 services") << 500;
}

void TestGraphScale::workloadsByServiceMatchesSelectors()
{
    QFETCH(int, services);
    MeshTopology topology = generatedMesh(services).topology;
    // Selectors the index must not shortcut: two labels where one alone picks too many, a label no
    // workload has, and none at all.
    topology.services.append({QStringLiteral("only-v2"), {{QStringLiteral("app"), QStringLiteral("svc-0001")},
                                                         {QStringLiteral("version"), QStringLiteral("v2")}}});
    topology.services.append({QStringLiteral("nobody"), {{QStringLiteral("tier"), QStringLiteral("db")}}});
    topology.services.append({QStringLiteral("headless"), {}});
    const QHash<QString, QList<const MeshWorkload*>> byService = topology.workloadsByService();
    QCOMPARE(byService.size(), topology.services.size());
    for (const MeshService& service : std::as_const(topology.services)) {
        QStringList expected;
        for (const MeshWorkload& w : topology.workloadsOf(service.name))
            expected.append(w.name);
        QStringList actual;
        for (const MeshWorkload* w : byService.value(service.name))
            actual.append(w->name);
        QCOMPARE(actual, expected);
    }
    QCOMPARE(byService.value(QStringLiteral("only-v2")).size(), 1);
}

void TestGraphScale::graphKinds_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<bool>("hasServices");
    QTest::addColumn<bool>("hasWorkloads");
    // 100 services with 250 workloads; one outside caller (the ingress gateway).
    QTest::newRow("versioned app") << int(GraphKind::VersionedApp) << 100 + 250 + 1 << true << true;
    QTest::newRow("service") << int(GraphKind::Service) << 100 + 1 << true << false;
    QTest::newRow("workload") << int(GraphKind::Workload) << 250 + 1 << false << true;
}

void TestGraphScale::graphKinds()
{
    QFETCH(int, kind);
    QFETCH(int, nodes);
    QFETCH(bool, hasServices);
    QFETCH(bool, hasWorkloads);
    const GeneratedMesh mesh = generatedMesh(100);
    const MeshGraph graph = MeshGraphBuilder::build(mesh.topology, mesh.telemetry, {GraphKind(kind), true});
    QCOMPARE(graph.nodes.size(), nodes);
    QCOMPARE(std::any_of(graph.nodes.cbegin(), graph.nodes.cend(), [](const GraphNode& n) { return n.kind == GraphNodeKind::Service; }),
             hasServices);
    QCOMPARE(std::any_of(graph.nodes.cbegin(), graph.nodes.cend(), [](const GraphNode& n) { return n.kind == GraphNodeKind::Workload; }),
             hasWorkloads);
    // Whatever the kind, the traffic entering the mesh is the same: 10 rps to each first-layer service.
    double fromIngress = 0;
    double share = 0;
    for (const GraphEdge& e : graph.edges) {
        if (e.source == u"ext:istio-system/istio-ingressgateway") {
            fromIngress += e.requestsPerSecond;
            share += e.share;
        }
    }
    QVERIFY(qFuzzyCompare(fromIngress, 150.0)); // the first of 7 layers holds 15 of the 100 services
    QVERIFY(qAbs(share - 1.0) < 1e-9);
}

void TestGraphScale::largeGraphRefreshesInPlace()
{
    const GeneratedMesh mesh = generatedMesh(2000);
    const GeneratedMesh busier = generatedMesh(2000, 1.5);
    MeshGraphModel model;
    QAbstractItemModelTester nodeTester(model.nodes(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester edgeTester(model.edges(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy laidOut(&model, &MeshGraphModel::layoutChanged);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    // 2,000 services are laid out on a worker thread; rows are published with their positions.
    QTRY_COMPARE_WITH_TIMEOUT(laidOut.count(), 1, 30000);
    QVERIFY(model.nodes()->rowCount() > 6000);
    QVERIFY(noTwoNodesShareAPlace(model));
    const QHash<QString, QPointF> before = positions(model);

    QSignalSpy changed(model.edges(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(model.edges(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(model.edges(), &QAbstractItemModel::rowsRemoved);
    model.setGraph(MeshGraphBuilder::build(busier.topology, busier.telemetry));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    // Every edge changed, in one contiguous run: one notification, not thousands.
    QCOMPARE(changed.count(), 1);
    QCOMPARE(laidOut.count(), 1);
    QCOMPARE(positions(model), before);
}

void TestGraphScale::newNodeIsPlacedWithoutMovingOthers()
{
    GeneratedMesh mesh = generatedMesh(100);
    MeshGraphModel model;
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    const QHash<QString, QPointF> before = positions(model);

    // A new service "audit" with one version, called by svc-0003-v1.
    mesh.topology.services.append({QStringLiteral("audit"), {{QStringLiteral("app"), QStringLiteral("audit")}}});
    mesh.topology.workloads.append({QStringLiteral("audit-v1"), QStringLiteral("audit"), QStringLiteral("v1"),
                                    {{QStringLiteral("app"), QStringLiteral("audit")}, {QStringLiteral("version"), QStringLiteral("v1")}},
                                    1, 1});
    EdgeSample call;
    call.sourceWorkload = QStringLiteral("svc-0003-v1");
    call.sourceNamespace = QStringLiteral("mesh");
    call.destinationNamespace = QStringLiteral("mesh");
    call.destinationService = QStringLiteral("audit");
    call.destinationWorkload = QStringLiteral("audit-v1");
    call.destinationVersion = QStringLiteral("v1");
    call.requestsPerSecond = 2;
    mesh.telemetry.samples.append(call);
    QSignalSpy laidOut(&model, &MeshGraphModel::layoutChanged);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    QCOMPARE(laidOut.count(), 1);

    const QHash<QString, QPointF> after = positions(model);
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        QCOMPARE(after.value(it.key()), it.value());
    QVERIFY(noTwoNodesShareAPlace(model));
    const QPointF caller = after.value(QStringLiteral("wl:mesh/svc-0003-v1"));
    const QPointF audit = after.value(QStringLiteral("svc:mesh/audit"));
    const QPointF auditV1 = after.value(QStringLiteral("wl:mesh/audit-v1"));
    QCOMPARE(audit.x(), caller.x() + LayeredLayout::LayerSpacing);
    QCOMPARE(auditV1.x(), audit.x() + LayeredLayout::LayerSpacing);
}

void TestGraphScale::returningNodeGetsItsOldPlace()
{
    const GeneratedMesh mesh = generatedMesh(100);
    MeshGraphModel model;
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    const QHash<QString, QPointF> before = positions(model);

    // svc-0050 goes quiet: with idle nodes hidden it leaves the graph, and comes back in its place.
    EdgeTelemetry quiet = mesh.telemetry;
    quiet.samples.removeIf([](const EdgeSample& s) { return s.destinationService == u"svc-0050"; });
    model.setGraph(MeshGraphBuilder::build(mesh.topology, quiet));
    QCOMPARE(model.nodes()->rowOf(QStringLiteral("svc:mesh/svc-0050")), -1);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    QCOMPARE(positions(model), before);
}

void TestGraphScale::relayoutOfTheSameGraphLaysOutAfresh()
{
    const GeneratedMesh mesh = generatedMesh(100);
    MeshGraphModel model;
    const MeshGraph graph = MeshGraphBuilder::build(mesh.topology, mesh.telemetry);
    model.setGraph(graph);
    QSignalSpy laidOut(&model, &MeshGraphModel::layoutChanged);
    // A refresh with the same nodes and edges keeps every position without laying anything out...
    model.setGraph(graph);
    QCOMPARE(laidOut.count(), 0);
    // ...but "Re-layout" (a reset, then the same graph) must lay it out again.
    model.resetLayout();
    model.setGraph(graph);
    QCOMPARE(laidOut.count(), 1);
    QVERIFY(noTwoNodesShareAPlace(model));
}

void TestGraphScale::backgroundLayoutPublishesLatestGraph()
{
    const GeneratedMesh mesh = generatedMesh(200);
    const GeneratedMesh busier = generatedMesh(200, 2);
    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(10);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    // Numbers arriving while the layout runs replace the waiting graph; only the latest shows.
    model.setGraph(MeshGraphBuilder::build(busier.topology, busier.telemetry));
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLayoutPending(), 30000);
    const int row = model.edges()->rowOf(QStringLiteral("ext:istio-system/istio-ingressgateway->svc:mesh/svc-0000"));
    QVERIFY(row >= 0);
    QCOMPARE(model.edges()->row(row).requestsPerSecond, 20.0);

    // The background result equals what the GUI thread would have computed.
    MeshGraphModel inline_;
    inline_.setBackgroundLayoutThreshold(std::numeric_limits<int>::max());
    inline_.setGraph(MeshGraphBuilder::build(busier.topology, busier.telemetry));
    QCOMPARE(positions(model), positions(inline_));
}

void TestGraphScale::resetDropsARunningLayout()
{
    const GeneratedMesh mesh = generatedMesh(300);
    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(10);
    QSignalSpy laidOut(&model, &MeshGraphModel::layoutChanged);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    // The operator switches to the service graph before the first layout is back.
    model.resetLayout();
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry, {GraphKind::Service, false}));
    // Whether the first layout came back before the reset or not, what shows is the service graph.
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLayoutPending() && model.nodes()->rowCount() > 0, 30000);
    QVERIFY(laidOut.count() >= 1);
    QVERIFY(model.nodes()->rowCount() > 250);
    QVERIFY(model.nodes()->rowOf(QStringLiteral("svc:mesh/svc-0001")) >= 0);
    QCOMPARE(model.nodes()->rowOf(QStringLiteral("wl:mesh/svc-0001-v1")), -1);
}

void TestGraphScale::modelDestroyedWhileLayingOut()
{
    // The window closes while the first layout of a large graph runs: its result goes nowhere.
    const GeneratedMesh mesh = generatedMesh(2000);
    auto model = std::make_unique<MeshGraphModel>();
    model->setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    QVERIFY(model->isLayoutPending());
    model.reset();
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
}

void TestGraphScale::layoutHandlesCycles()
{
    // a -> b -> c -> a, and c -> d: the cycle is cut once, d ends right of c.
    const QList<QPointF> p = LayeredLayout::compute(4, {{0, 1}, {1, 2}, {2, 0}, {2, 3}});
    QVERIFY(p[0].x() < p[1].x());
    QVERIFY(p[1].x() < p[2].x());
    QVERIFY(p[2].x() < p[3].x());
}

void TestGraphScale::largeGraphFillsTheViewsShape_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("aspectRatio");
    QTest::addColumn<QList<int>>("arrivals"); // the share of the edges each refresh brings, in percent
    // A desktop window's graph pane, and the presentation mode's on a 2560x1600 screen.
    QTest::newRow("versioned app, 16:10") << int(GraphKind::VersionedApp) << 1.6 << QList<int>{100};
    QTest::newRow("versioned app, presentation") << int(GraphKind::VersionedApp) << 2.67 << QList<int>{100};
    QTest::newRow("service, presentation") << int(GraphKind::Service) << 2.67 << QList<int>{100};
    // A large mesh's first answers from Prometheus hold a part of its edges (series younger than the
    // rate window, edges without a request yet); the rest arrives over the next refreshes.
    QTest::newRow("first numbers in part") << int(GraphKind::VersionedApp) << 2.67 << QList<int>{10, 100};
    QTest::newRow("numbers arriving over refreshes") << int(GraphKind::VersionedApp) << 2.67 << QList<int>{5, 20, 40, 70, 100};
}

void TestGraphScale::largeGraphFillsTheViewsShape()
{
    QFETCH(int, kind);
    QFETCH(double, aspectRatio);
    QFETCH(QList<int>, arrivals);
    const GeneratedMesh mesh = generatedMesh(2000);
    const GraphOptions options{GraphKind(kind), false};
    MeshGraphModel model;
    model.setLayoutAspectRatio(aspectRatio);
    for (int share : std::as_const(arrivals)) {
        EdgeTelemetry arrived = mesh.telemetry;
        qsizetype i = 0;
        arrived.samples.removeIf([&](const EdgeSample&) { return (i++ * 7919) % 100 >= share; });
        model.setGraph(MeshGraphBuilder::build(mesh.topology, arrived, options));
        QTRY_VERIFY_WITH_TIMEOUT(!model.isLayoutPending(), 30000);
    }
    // Once all is there, refreshes move nothing.
    const QHash<QString, QPointF> settled = positions(model);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, generatedMesh(2000, 1.5).telemetry, options));
    QVERIFY(!model.isLayoutPending());
    QCOMPARE(positions(model), settled);
    QVERIFY(noTwoNodesShareAPlace(model));

    QRectF box;
    for (const GraphNode& n : model.nodes()->rows())
        box |= QRectF(n.position, QSizeF(LayeredLayout::LayerSpacing, LayeredLayout::RowSpacing));
    const double aspect = box.width() / box.height();
    QVERIFY2(aspect > aspectRatio / 1.5 && aspect < aspectRatio * 1.5,
             qPrintable(QStringLiteral("%1 x %2, aspect %3").arg(box.width()).arg(box.height()).arg(aspect)));
    // Still layered by call depth: every call goes right, also when the graph grew over refreshes
    // (a node placed after its callees, a version calling out before its service had a caller,
    // would sit right of them: the graph is laid out afresh instead).
    qsizetype leftward = 0;
    for (const GraphEdge& e : model.edges()->rows()) {
        const QPointF from = model.nodes()->row(model.nodes()->rowOf(e.source)).position;
        const QPointF to = model.nodes()->row(model.nodes()->rowOf(e.target)).position;
        leftward += from.x() >= to.x();
    }
    QVERIFY2(leftward == 0,
             qPrintable(QStringLiteral("%1 of %2 calls go left").arg(leftward).arg(model.edges()->rowCount())));
}

QTEST_GUILESS_MAIN(TestGraphScale)
#include "tst_graphscale.moc"

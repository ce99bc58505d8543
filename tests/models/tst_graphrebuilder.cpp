// SPDX-License-Identifier: Apache-2.0
// GraphRebuilder: small meshes built at once, large ones on a worker thread; requests made during a
// build coalesce into one more build with the newest inputs; a build of options changed meanwhile is
// dropped; the rebuilder or the model going away during a build harms nothing.
#include "GeneratedMesh.h"

#include "models/graph/GraphRebuilder.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <memory>

class TestGraphRebuilder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smallMeshIsBuiltAtOnce();
    void largeMeshIsBuiltOnAWorker_data();
    void largeMeshIsBuiltOnAWorker();
    void requestsDuringABuildCoalesce();
    void buildOfChangedOptionsIsDropped();
    void smallRequestWaitsForTheRunningBuild();
    void rebuilderDestroyedDuringABuild();
    void modelDestroyedDuringABuild();
};

namespace {

MeshTopologies topologies(const GeneratedMesh& mesh)
{
    return {{mesh.topology}, {}};
}

// What the GUI thread would have published, built and set in place.
MeshGraph builtInline(const GeneratedMesh& mesh, const GraphOptions& options)
{
    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(std::numeric_limits<int>::max());
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry, options));
    return model.graph();
}

double rateOf(const MeshGraphModel& model, const QString& edgeId)
{
    const int row = model.edges()->rowOf(edgeId);
    return row < 0 ? -1 : model.edges()->row(row).requestsPerSecond;
}

const QString EntryEdge = QStringLiteral("ext:istio-system/istio-ingressgateway->svc:mesh/svc-0000");

// Lets every build that was started finish, then delivers what they report.
void drainWorkers()
{
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
}

} // namespace

void TestGraphRebuilder::smallMeshIsBuiltAtOnce()
{
    const GeneratedMesh mesh = generatedMesh(4); // bookinfo-sized: 4 services, 10 versions
    MeshGraphModel model;
    GraphRebuilder rebuilder(&model);
    QSignalSpy applied(&rebuilder, &GraphRebuilder::graphApplied);
    rebuilder.rebuild(topologies(mesh), mesh.telemetry, {});
    // No event loop turned: the graph is in the model when rebuild() returns.
    QCOMPARE(applied.count(), 1);
    QVERIFY(!rebuilder.isBuilding());
    QCOMPARE(model.graph().nodes, builtInline(mesh, {}).nodes);
    QCOMPARE(model.graph().edges, builtInline(mesh, {}).edges);
}

void TestGraphRebuilder::largeMeshIsBuiltOnAWorker_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("versioned app") << int(GraphKind::VersionedApp);
    QTest::newRow("service") << int(GraphKind::Service);
    QTest::newRow("workload") << int(GraphKind::Workload);
}

void TestGraphRebuilder::largeMeshIsBuiltOnAWorker()
{
    QFETCH(int, kind);
    const GraphOptions options{GraphKind(kind), false};
    const GeneratedMesh mesh = generatedMesh(300); // 300 services and 750 versions: above the default threshold
    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(std::numeric_limits<int>::max()); // the layout is not what is tested here
    QAbstractItemModelTester nodeTester(model.nodes(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester edgeTester(model.edges(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    GraphRebuilder rebuilder(&model);
    QSignalSpy applied(&rebuilder, &GraphRebuilder::graphApplied);
    rebuilder.rebuild(topologies(mesh), mesh.telemetry, options);
    // The build runs elsewhere; its result can only arrive through this thread's event loop.
    QVERIFY(rebuilder.isBuilding());
    QCOMPARE(model.nodes()->rowCount(), 0);
    QVERIFY(applied.wait(30000));
    QCOMPARE(applied.count(), 1);
    QVERIFY(!rebuilder.isBuilding());
    const MeshGraph expected = builtInline(mesh, options);
    QVERIFY(!expected.nodes.isEmpty());
    QCOMPARE(model.graph().nodes, expected.nodes);
    QCOMPARE(model.graph().edges, expected.edges);
}

void TestGraphRebuilder::requestsDuringABuildCoalesce()
{
    const GeneratedMesh mesh = generatedMesh(300);
    MeshGraphModel model;
    GraphRebuilder rebuilder(&model);
    rebuilder.setBackgroundThreshold(10);
    QSignalSpy applied(&rebuilder, &GraphRebuilder::graphApplied);
    // Four refreshes while the first build runs; the entry edge carries 10 rps times the scale.
    rebuilder.rebuild(topologies(mesh), mesh.telemetry, {});
    for (double scale : {2.0, 3.0, 4.0, 5.0}) {
        const GeneratedMesh busier = generatedMesh(300, scale);
        rebuilder.rebuild(topologies(busier), busier.telemetry, {});
    }
    QTRY_VERIFY_WITH_TIMEOUT(!rebuilder.isBuilding() && !model.isLayoutPending(), 30000);
    // The first build, then one more with the newest numbers: not five.
    QCOMPARE(applied.count(), 2);
    QCOMPARE(rateOf(model, EntryEdge), 50.0);
}

void TestGraphRebuilder::buildOfChangedOptionsIsDropped()
{
    const GeneratedMesh mesh = generatedMesh(300);
    MeshGraphModel model;
    GraphRebuilder rebuilder(&model);
    rebuilder.setBackgroundThreshold(10);
    QSignalSpy applied(&rebuilder, &GraphRebuilder::graphApplied);
    rebuilder.rebuild(topologies(mesh), mesh.telemetry, {GraphKind::VersionedApp, false});
    // The operator switches to the service graph while the versioned-app graph is being built.
    model.resetLayout();
    rebuilder.rebuild(topologies(mesh), mesh.telemetry, {GraphKind::Service, false});
    QTRY_VERIFY_WITH_TIMEOUT(!rebuilder.isBuilding() && !model.isLayoutPending(), 30000);
    // The versioned-app graph never reached the model.
    QCOMPARE(applied.count(), 1);
    QVERIFY(model.nodes()->rowOf(QStringLiteral("svc:mesh/svc-0001")) >= 0);
    for (const GraphNode& node : model.nodes()->rows())
        QVERIFY2(node.kind != GraphNodeKind::Workload, qPrintable(node.id));
}

void TestGraphRebuilder::smallRequestWaitsForTheRunningBuild()
{
    // A large namespace, then a small one (the operator narrowed the namespaces shown): the small
    // graph must not be overwritten by the large one arriving after it.
    const GeneratedMesh large = generatedMesh(300);
    const GeneratedMesh small = generatedMesh(4, 9);
    MeshGraphModel model;
    GraphRebuilder rebuilder(&model);
    QSignalSpy applied(&rebuilder, &GraphRebuilder::graphApplied);
    rebuilder.rebuild(topologies(large), large.telemetry, {});
    rebuilder.rebuild(topologies(small), small.telemetry, {});
    QCOMPARE(applied.count(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!rebuilder.isBuilding() && !model.isLayoutPending(), 30000);
    QCOMPARE(applied.count(), 2);
    QCOMPARE(model.graph().edges, builtInline(small, {}).edges);
}

void TestGraphRebuilder::rebuilderDestroyedDuringABuild()
{
    const GeneratedMesh mesh = generatedMesh(2000);
    MeshGraphModel model;
    auto rebuilder = std::make_unique<GraphRebuilder>(&model);
    rebuilder->rebuild(topologies(mesh), mesh.telemetry, {});
    QVERIFY(rebuilder->isBuilding());
    // The page closes: the worker still holds its own copies and finishes into nothing.
    rebuilder.reset();
    drainWorkers();
    QCOMPARE(model.nodes()->rowCount(), 0);
}

void TestGraphRebuilder::modelDestroyedDuringABuild()
{
    const GeneratedMesh mesh = generatedMesh(2000);
    auto model = std::make_unique<MeshGraphModel>();
    GraphRebuilder rebuilder(model.get());
    QSignalSpy applied(&rebuilder, &GraphRebuilder::graphApplied);
    rebuilder.rebuild(topologies(mesh), mesh.telemetry, {});
    model.reset();
    drainWorkers();
    QVERIFY(!rebuilder.isBuilding());
    QCOMPARE(applied.count(), 0);
}

QTEST_GUILESS_MAIN(TestGraphRebuilder)
#include "tst_graphrebuilder.moc"

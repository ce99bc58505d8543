// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "views/graph/GraphView.h"
#include "views/graph/NodeItem.h"

#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include <QGraphicsItem>
#include <QSignalSpy>
#include <QTest>

class TestGraphView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawsTheModel();
};

namespace {
EdgeTelemetry traffic(double rate)
{
    EdgeTelemetry t;
    t.samples.append({QStringLiteral("productpage-v1"), QStringLiteral("bookinfo"), QStringLiteral("reviews"),
                      QStringLiteral("reviews-v2"), QStringLiteral("v2"), rate, 0});
    return t;
}
} // namespace

void TestGraphView::drawsTheModel()
{
    const MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    model.setGraph(MeshGraphBuilder::build(topology, traffic(5), {GraphKind::VersionedApp, true}));
    QCOMPARE(view.nodeItemCount(), 10);
    QCOMPARE(view.edgeItemCount(), 2);
    const QList<QGraphicsItem*> itemsBefore = view.scene()->items();

    // New numbers repaint in place: the very same items remain.
    model.setGraph(MeshGraphBuilder::build(topology, traffic(9), {GraphKind::VersionedApp, true}));
    QCOMPARE(view.scene()->items(), itemsBefore);

    // A click on a workload selects its service.
    QSignalSpy selected(&view, &GraphView::serviceSelected);
    NodeItem* target = nullptr;
    for (QGraphicsItem* item : view.scene()->items()) {
        auto* node = dynamic_cast<NodeItem*>(item);
        if (node && node->node().id == u"wl:reviews-v2")
            target = node;
    }
    QVERIFY(target);
    const QPoint at = view.mapFromScene(target->mapToScene(target->boundingRect().center()));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.first().first().toString(), QStringLiteral("reviews"));
}

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"

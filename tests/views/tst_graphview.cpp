// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "views/graph/EdgeItem.h"
#include "views/graph/GraphDetailsPane.h"
#include "views/graph/GraphView.h"
#include "views/graph/NodeItem.h"

#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include <QGraphicsItem>
#include <QImage>
#include <QHelpEvent>
#include <QToolTip>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

class TestGraphView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawsTheModel();
    void clickOnAnEdgeSelectsIt();
    void detailsFollowSelectionAndRefreshes();
    void zoomedOutTheOverviewDrawsTheGraph();
    void refreshRedrawsOnlyChangedTexts();
    void itemsFollowTheirRowsAsRowsComeAndGo();
    void edgesAreDrawnAlongTheirCurves();
    void findPrefersExactNameThenNamespaceOrder_data();
    void findPrefersExactNameThenNamespaceOrder();
};

namespace {
EdgeTelemetry traffic(double rate)
{
    EdgeTelemetry t;
    t.arrived = true;
    t.samples.append({QStringLiteral("productpage-v1"), QStringLiteral("bookinfo"), QStringLiteral("bookinfo"),
                      QStringLiteral("reviews"), QStringLiteral("reviews-v2"), QStringLiteral("v2"), rate, 0});
    return t;
}

// Whether the pixel at `at` or one of its eight neighbours has exactly `color`: one-pixel lines
// fall on either side of a point that lies between pixels.
bool colorNear(const QImage& image, QPoint at, const QColor& color)
{
    for (int dx = -1; dx <= 1; ++dx) {
        for (int dy = -1; dy <= 1; ++dy) {
            if (QColor(image.pixel(at + QPoint(dx, dy))) == color)
                return true;
        }
    }
    return false;
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

    // A click on a workload selects that workload's node.
    QSignalSpy selected(&view, &GraphView::nodeSelected);
    NodeItem* target = nullptr;
    for (QGraphicsItem* item : view.scene()->items()) {
        auto* node = dynamic_cast<NodeItem*>(item);
        if (node && node->node().id == u"wl:bookinfo/reviews-v2")
            target = node;
    }
    QVERIFY(target);
    const QPoint at = view.mapFromScene(target->mapToScene(target->boundingRect().center()));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.first().first().toString(), QStringLiteral("wl:bookinfo/reviews-v2"));
}

void TestGraphView::clickOnAnEdgeSelectsIt()
{
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.setGraph(MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), traffic(5),
                                           {GraphKind::VersionedApp, true}));
    const QString id = QStringLiteral("svc:bookinfo/reviews->wl:bookinfo/reviews-v2");
    EdgeItem* edge = view.edgeItem(id);
    QVERIFY(edge);

    // The curve's middle, where its label sits, is on the edge and on no node.
    QSignalSpy edgeSpy(&view, &GraphView::edgeSelected);
    QSignalSpy nodeSpy(&view, &GraphView::nodeSelected);
    const QPoint at = view.mapFromScene(edge->mapToScene(edge->pointAt(0.5)));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(edgeSpy.count(), 1);
    QCOMPARE(edgeSpy.first().first().toString(), id);
    QVERIFY(edge->isSelected());
    QCOMPARE(nodeSpy.count(), 0);
}

void TestGraphView::detailsFollowSelectionAndRefreshes()
{
    const MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    MeshGraphModel model;
    GraphDetailsPane pane(&model);
    pane.setTopologies({{topology}, {}});
    QVERIFY(pane.text().contains(QStringLiteral("Select a node")));
    model.setGraph(MeshGraphBuilder::build(topology, traffic(5), {GraphKind::VersionedApp, true}));

    // A service: its routing objects, each version's pods and share of the split, live numbers.
    pane.showNode(QStringLiteral("svc:bookinfo/reviews"));
    const QString service = pane.text();
    QVERIFY2(service.contains(QStringLiteral("Service reviews")), qPrintable(service));
    QVERIFY2(service.contains(QStringLiteral("VirtualService</td><td><b>reviews")), qPrintable(service));
    QVERIFY2(service.contains(QStringLiteral("<td>v1</td><td>1 of 1</td><td><b>80 %</b>")), qPrintable(service));
    QVERIFY2(service.contains(QStringLiteral("<td>v2</td><td>1 of 1</td><td><b>20 %</b>")), qPrintable(service));
    QVERIFY2(service.contains(QStringLiteral("<td>v3</td><td>1 of 1</td><td><b>0 %</b>")), qPrintable(service));
    QVERIFY2(service.contains(QStringLiteral("5.00/s")), qPrintable(service));

    // An edge: rate, share and latency; a refresh of the numbers shows up without reselecting.
    pane.showEdge(QStringLiteral("svc:bookinfo/reviews->wl:bookinfo/reviews-v2"));
    QVERIFY2(pane.text().contains(QStringLiteral("reviews → reviews-v2")), qPrintable(pane.text()));
    QVERIFY2(pane.text().contains(QStringLiteral("5.00/s")), qPrintable(pane.text()));
    model.setGraph(MeshGraphBuilder::build(topology, traffic(9), {GraphKind::VersionedApp, true}));
    QVERIFY2(pane.text().contains(QStringLiteral("9.00/s")), qPrintable(pane.text()));

    // Once the edge goes idle and is hidden, the pane says so rather than showing old numbers.
    model.setGraph(MeshGraphBuilder::build(topology, {}, {GraphKind::VersionedApp, false}));
    QVERIFY2(pane.text().contains(QStringLiteral("not in the graph")), qPrintable(pane.text()));
}

void TestGraphView::zoomedOutTheOverviewDrawsTheGraph()
{
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.setGraph(MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), traffic(5),
                                           {GraphKind::VersionedApp, true}));
    view.setTransform(QTransform());
    NodeItem* reviews = view.nodeItem(QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY(reviews);
    reviews->setSelected(true);
    view.grab();
    QVERIFY(!view.isOverview());

    // Zoomed out below the shape level: one item draws every node as a block in its colour, and
    // the node items, drawn no more, keep their state: the selection survives the round trip.
    QSignalSpy selectionChanged(view.scene(), &QGraphicsScene::selectionChanged);
    view.zoomBy(0.2);
    QVERIFY(view.isOverview());
    // While the wheel turns the last picture is scaled; once it rests the overview paints.
    QVERIFY(view.isInteracting());
    QTRY_VERIFY(!view.isInteracting());
    const QImage overview = view.grab().toImage();
    const QPoint centre = view.mapFromScene(reviews->sceneBoundingRect().center());
    QCOMPARE(QColor(overview.pixel(centre)), GraphStyle::SelectionColor);
    const NodeItem* ratings = view.nodeItem(QStringLiteral("svc:bookinfo/ratings"));
    QCOMPARE(QColor(overview.pixel(view.mapFromScene(ratings->sceneBoundingRect().center()))), ratings->outlineColor());
    QVERIFY(reviews->isSelected());

    // Hovering there still names the node, though no item is under the mouse.
    QHelpEvent help(QEvent::ToolTip, centre, view.viewport()->mapToGlobal(centre));
    QCoreApplication::sendEvent(view.viewport(), &help);
    QVERIFY2(QToolTip::text().contains(QStringLiteral("service reviews")), qPrintable(QToolTip::text()));

    view.zoomBy(5);
    view.grab();
    QVERIFY(!view.isOverview());
    QVERIFY(reviews->isSelected());
    QCOMPARE(selectionChanged.count(), 0);

    // A click on a block in the overview selects its node, as a click on the node would.
    view.zoomBy(0.2);
    QVERIFY(view.isOverview());
    QSignalSpy nodeSelected(&view, &GraphView::nodeSelected);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.mapFromScene(ratings->sceneBoundingRect().center()));
    QCOMPARE(nodeSelected.count(), 1);
    QCOMPARE(nodeSelected.first().first().toString(), QStringLiteral("svc:bookinfo/ratings"));
    QVERIFY(!reviews->isSelected());
}


void TestGraphView::refreshRedrawsOnlyChangedTexts()
{
    // Nodes and edges keep their texts laid out between paints: new numbers must reach the screen,
    // the same numbers must draw the same picture.
    const MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.setGraph(MeshGraphBuilder::build(topology, traffic(5), {GraphKind::VersionedApp, true}));
    view.setTransform(QTransform());
    const NodeItem* reviews = view.nodeItem(QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY(reviews);
    view.centerOn(reviews);
    const EdgeItem* edge = nullptr; // one that carries the traffic
    for (const EdgeItem* candidate : reviews->edges()) {
        if (candidate->edge().requestsPerSecond > 0)
            edge = candidate;
    }
    QVERIFY(edge);
    auto picture = [&view](const QRectF& sceneRect) {
        return view.viewport()->grab(view.mapFromScene(sceneRect).boundingRect()).toImage();
    };
    // Inside the node's box, where it writes its rate, and inside the edge's label box: the
    // picture there is text alone (edges, whose width follows the rate, pass elsewhere or under).
    const QRectF nodeRect = reviews->mapRectToScene(QRectF(12, NodeItem::Height / 2, 100, NodeItem::Height / 2 - 4));
    const QRectF labelRect(edge->pointAt(0.5) - QPointF(12, 4), QSizeF(24, 8));
    const QImage nodeAt5 = picture(nodeRect);
    const QImage labelAt5 = picture(labelRect);

    model.setGraph(MeshGraphBuilder::build(topology, traffic(9), {GraphKind::VersionedApp, true}));
    QCOMPARE(reviews->node().requestsPerSecond, 9.0);
    const QImage nodeAt9 = picture(nodeRect);
    const QImage labelAt9 = picture(labelRect);
    QVERIFY(nodeAt9 != nodeAt5);   // "9.0 rps" under the name
    QVERIFY(labelAt9 != labelAt5); // "9.0 rps" on the edge

    model.setGraph(MeshGraphBuilder::build(topology, traffic(5), {GraphKind::VersionedApp, true}));
    QCOMPARE(picture(nodeRect), nodeAt5);
    QCOMPARE(picture(labelRect), labelAt5);
}

void TestGraphView::itemsFollowTheirRowsAsRowsComeAndGo()
{
    // Items read their rows where the model keeps them: rows removed or added before theirs must
    // not make them read another's.
    const MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    auto check = [&] {
        for (const GraphNode& row : model.nodes()->rows()) {
            const NodeItem* item = view.nodeItem(row.id);
            QVERIFY2(item && item->node().id == row.id, qPrintable(row.id));
        }
        for (const GraphEdge& row : model.edges()->rows()) {
            const EdgeItem* item = view.edgeItem(row.id);
            QVERIFY2(item && item->edge().id == row.id, qPrintable(row.id));
            QCOMPARE(item->edge().requestsPerSecond, row.requestsPerSecond);
        }
    };
    model.setGraph(MeshGraphBuilder::build(topology, traffic(5), {GraphKind::VersionedApp, true}));
    check();
    const int all = view.nodeItemCount();
    // Idle nodes hidden: rows go from the middle and the start of the model.
    model.setGraph(MeshGraphBuilder::build(topology, traffic(7), {GraphKind::VersionedApp, false}));
    QVERIFY(view.nodeItemCount() < all);
    check();
    // And come back, at the end.
    model.setGraph(MeshGraphBuilder::build(topology, traffic(9), {GraphKind::VersionedApp, true}));
    QCOMPARE(view.nodeItemCount(), all);
    check();
}

void TestGraphView::edgesAreDrawnAlongTheirCurves()
{
    // Wide edges are drawn in straight pieces, edges passing through the view with both ends off
    // it are written by the view as hairlines, and the overview writes every edge as a line: each
    // must land on the curve (or chord) it stands for, in the edge's colour.
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.setGraph(MeshGraphBuilder::build(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})), traffic(5),
                                           {GraphKind::VersionedApp, true}));
    view.setEdgeLabel(EdgeLabel::None);
    const EdgeItem* edge = view.edgeItem(QStringLiteral("svc:bookinfo/reviews->wl:bookinfo/reviews-v2"));
    QVERIFY(edge);
    const QColor color = edge->color();
    const QColor canvas = view.backgroundBrush().color();
    auto pixelAt = [&view](const QImage& image, const QPointF& scenePoint) { return QColor(image.pixel(view.mapFromScene(scenePoint))); };

    // 1:1, both ends in view: a wide stroke, solid across its middle.
    view.setTransform(QTransform());
    view.centerOn(edge->pointAt(0.5));
    QImage picture = view.viewport()->grab().toImage();
    for (double t : {0.25, 0.5, 0.75})
        QCOMPARE(pixelAt(picture, edge->pointAt(t)), color);

    // Zoomed in on its middle in a small view: both ends are off it, and it is a hairline there.
    view.resize(160, 120);
    view.setTransform(QTransform::fromScale(4, 4));
    view.centerOn(edge->pointAt(0.5));
    QVERIFY(edge->passesThrough(view.mapToScene(view.viewport()->rect()).boundingRect()));
    picture = view.viewport()->grab().toImage();
    const QPoint middle = view.mapFromScene(edge->pointAt(0.5));
    QVERIFY(colorNear(picture, middle, color));
    // One pixel wide: a little beside it, across the curve's direction, is the canvas.
    const QPointF along = edge->pointAt(0.52) - edge->pointAt(0.48);
    const QPointF across = QPointF(-along.y(), along.x()) / std::hypot(along.x(), along.y());
    QCOMPARE(QColor(picture.pixel(middle + (across * 4).toPoint())), canvas);

    // The overview: the chord from caller to callee, as a line.
    view.resize(1000, 600);
    view.setTransform(QTransform::fromScale(0.3, 0.3));
    view.centerOn(edge->pointAt(0.5));
    picture = view.viewport()->grab().toImage();
    QVERIFY(view.isOverview()); // decided when painting, for transforms set from outside
    QVERIFY(colorNear(picture, view.mapFromScene(edge->chord().center()), color));
}

void TestGraphView::findPrefersExactNameThenNamespaceOrder_data()
{
    QTest::addColumn<QStringList>("namespaces");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("found");
    const QStringList ab{QStringLiteral("bookinfo"), QStringLiteral("shop")};
    const QStringList ba{QStringLiteral("shop"), QStringLiteral("bookinfo")};
    // "reviews" is a service in both namespaces and part of the names of their workloads.
    QTest::newRow("exact, first namespace") << ab << QStringLiteral("reviews") << QStringLiteral("svc:bookinfo/reviews");
    QTest::newRow("exact, other order") << ba << QStringLiteral("REVIEWS") << QStringLiteral("svc:shop/reviews");
    QTest::newRow("partial, first name") << ab << QStringLiteral("ratings-v") << QStringLiteral("wl:bookinfo/ratings-v1");
    QTest::newRow("partial, other order") << ba << QStringLiteral("ratings-v") << QStringLiteral("wl:shop/ratings-v1");
}

void TestGraphView::findPrefersExactNameThenNamespaceOrder()
{
    QFETCH(QStringList, namespaces);
    QFETCH(QString, text);
    QFETCH(QString, found);
    MeshTopologies topologies;
    for (const QString& ns : namespaces)
        topologies.namespaces.append(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}), ns));
    MeshGraphModel model;
    GraphView view;
    view.resize(1000, 600);
    view.setModel(&model);
    model.setGraph(MeshGraphBuilder::build(topologies, EdgeTelemetry{}, {GraphKind::VersionedApp, true}));
    QVERIFY(view.nodeItem(QStringLiteral("svc:bookinfo/reviews")));
    QVERIFY(view.nodeItem(QStringLiteral("svc:shop/reviews")));

    QSignalSpy selected(&view, &GraphView::nodeSelected);
    // Asked twice, the same answer: it does not depend on the order of a hash either.
    for (int i = 0; i < 2; ++i) {
        QVERIFY(view.findNode(text));
        QCOMPARE(view.selectedNodeId(), found);
    }
    QCOMPARE(selected.first().first().toString(), found);
}

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"

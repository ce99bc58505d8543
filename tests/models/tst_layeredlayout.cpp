// SPDX-License-Identifier: Apache-2.0
// LayeredLayout on meshes shaped like the demo cluster's generated ones (a fan-out by three per
// layer, versioned-app graph: service -> versions -> callees): the picture's aspect ratio, no two
// nodes in one place, calls drawn left to right, and a new node placed without moving the others.

#include "models/graph/LayeredLayout.h"

#include <QRectF>
#include <QSet>
#include <QTest>

#include <cmath>

namespace {

struct Graph {
    int nodeCount = 0;
    QList<LayeredLayout::Link> links;
};

// `services` services in layers 1, 3, 9 ... (the last takes what is left); each service node links
// to its one to three version nodes, and every version calls the service's callees in the next layer.
Graph fanOut(int services)
{
    Graph graph;
    QList<QList<int>> layers;
    for (int next = 0, width = 1; next < services; width *= 3) {
        QList<int> layer;
        for (int i = 0; i < width && next < services; ++i)
            layer.append(next++);
        layers.append(layer);
    }
    graph.nodeCount = services;
    QList<QList<int>> versionsOf(services);
    for (int s = 0; s < services; ++s) {
        for (int v = 0; v < 1 + s % 3; ++v) {
            versionsOf[s].append(graph.nodeCount);
            graph.links.append({s, graph.nodeCount++});
        }
    }
    for (qsizetype l = 0; l + 1 < layers.size(); ++l) {
        const QList<int>& callees = layers.at(l + 1);
        for (qsizetype i = 0; i < callees.size(); ++i) {
            const int caller = layers.at(l).at(i % layers.at(l).size());
            for (int version : versionsOf.at(caller))
                graph.links.append({version, callees.at(i)});
        }
    }
    return graph;
}

QRectF bounds(const QList<QPointF>& positions)
{
    QPointF low = positions.first();
    QPointF high = low;
    for (const QPointF& p : positions) {
        low = QPointF(std::min(low.x(), p.x()), std::min(low.y(), p.y()));
        high = QPointF(std::max(high.x(), p.x()), std::max(high.y(), p.y()));
    }
    // A node takes a cell of the grid: measure cells, not the distance between centres.
    return QRectF(low, high + QPointF(LayeredLayout::LayerSpacing, LayeredLayout::RowSpacing));
}

void verifyNoOverlap(const QList<QPointF>& positions)
{
    QSet<std::pair<qint64, qint64>> cells;
    for (const QPointF& p : positions) {
        // On the grid, so that one cell is one node.
        const double column = p.x() / LayeredLayout::LayerSpacing;
        const double row = p.y() / LayeredLayout::RowSpacing;
        QCOMPARE(column, std::round(column));
        QCOMPARE(row, std::round(row));
        const auto cell = std::make_pair(qint64(std::lround(column)), qint64(std::lround(row)));
        QVERIFY2(!cells.contains(cell), qPrintable(QStringLiteral("two nodes at %1,%2").arg(p.x()).arg(p.y())));
        cells.insert(cell);
    }
}

} // namespace

class TestLayeredLayout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fitsTheAspectRatio_data();
    void fitsTheAspectRatio();
    void smallGraphsAreNotWrapped();
    void followsTheAspectRatioAsked();
    void sameGraphSamePicture();
    void newNodeMovesNothing();
};

void TestLayeredLayout::fitsTheAspectRatio_data()
{
    QTest::addColumn<int>("services");
    QTest::addColumn<double>("aspectRatio");
    QTest::newRow("100") << 100 << LayeredLayout::TargetAspectRatio;
    QTest::newRow("500") << 500 << LayeredLayout::TargetAspectRatio;
    QTest::newRow("2000") << 2000 << LayeredLayout::TargetAspectRatio;
    QTest::newRow("5000") << 5000 << LayeredLayout::TargetAspectRatio;
    // Presentation mode on a 2560x1600 screen gives the graph a 2560x958 pane.
    QTest::newRow("2000, presentation pane") << 2000 << 2560.0 / 958;
    QTest::newRow("5000, presentation pane") << 5000 << 2560.0 / 958;
}

void TestLayeredLayout::fitsTheAspectRatio()
{
    QFETCH(int, services);
    QFETCH(double, aspectRatio);
    const Graph graph = fanOut(services);
    const QList<QPointF> positions = LayeredLayout::compute(graph.nodeCount, graph.links, aspectRatio);
    QCOMPARE(positions.size(), graph.nodeCount);

    const QRectF box = bounds(positions);
    const double aspect = box.width() / box.height();
    // Unwrapped, 2,000 services are a column about 0.05 as wide as tall.
    QVERIFY2(aspect > aspectRatio / 2 && aspect < aspectRatio * 2,
             qPrintable(QStringLiteral("%1 x %2, aspect %3").arg(box.width()).arg(box.height()).arg(aspect)));
    verifyNoOverlap(positions);
    // Wrapped layers still read left to right: every call goes to a column further right.
    for (const auto& link : graph.links)
        QVERIFY(positions.at(link.target).x() > positions.at(link.source).x());
}

void TestLayeredLayout::smallGraphsAreNotWrapped()
{
    // productpage -> reviews (3 versions) -> ratings: one column per layer, as before.
    const QList<LayeredLayout::Link> links = {{0, 1}, {1, 2}, {1, 3}, {1, 4}, {3, 5}, {4, 5}};
    const QList<QPointF> positions = LayeredLayout::compute(6, links);
    QCOMPARE(positions.at(0).x(), 0.0);
    QCOMPARE(positions.at(1).x(), LayeredLayout::LayerSpacing);
    for (int version : {2, 3, 4})
        QCOMPARE(positions.at(version).x(), 2 * LayeredLayout::LayerSpacing);
    QCOMPARE(positions.at(5).x(), 3 * LayeredLayout::LayerSpacing);
    verifyNoOverlap(positions);
}

void TestLayeredLayout::followsTheAspectRatioAsked()
{
    const Graph graph = fanOut(2000);
    const QRectF square = bounds(LayeredLayout::compute(graph.nodeCount, graph.links, 1.0));
    const QRectF wide = bounds(LayeredLayout::compute(graph.nodeCount, graph.links, 3.0));
    const auto size = [](const QRectF& box) { return QStringLiteral("%1 x %2").arg(box.width()).arg(box.height()); };
    QVERIFY2(square.width() / square.height() > 0.5 && square.width() / square.height() < 2, qPrintable(size(square)));
    QVERIFY2(wide.width() / wide.height() > 1.5 && wide.width() / wide.height() < 6, qPrintable(size(wide)));
    QVERIFY(wide.width() > square.width());
}

void TestLayeredLayout::sameGraphSamePicture()
{
    const Graph graph = fanOut(2000);
    QCOMPARE(LayeredLayout::compute(graph.nodeCount, graph.links), LayeredLayout::compute(graph.nodeCount, graph.links));
}

void TestLayeredLayout::newNodeMovesNothing()
{
    // A wrapped 2,000-service picture, then a new version of service 40 that calls service 200.
    Graph graph = fanOut(2000);
    QList<QPointF> positions = LayeredLayout::compute(graph.nodeCount, graph.links);
    const QList<QPointF> before = positions;
    const int added = graph.nodeCount++;
    graph.links.append({40, added});
    graph.links.append({added, 200});
    positions.append(QPointF());
    QList<bool> placed(graph.nodeCount, true);
    placed[added] = false;
    LayeredLayout::placeNew(positions, placed, graph.links);

    QCOMPARE(positions.mid(0, added), before);
    verifyNoOverlap(positions);
    QVERIFY(positions.at(added).x() > positions.at(40).x());
    QVERIFY(bounds(positions).height() <= bounds(before).height() + LayeredLayout::RowSpacing);
}

QTEST_MAIN(TestLayeredLayout)
#include "tst_layeredlayout.moc"

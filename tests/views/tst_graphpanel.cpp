// SPDX-License-Identifier: Apache-2.0
// The graph panel and view beyond drawing: namespaces, graph kinds, labels, find, focus, tooltips,
// level of detail, animation and export, on bookinfo and on a generated mesh.
#include "GeneratedMesh.h"
#include "TopologyFixture.h"

#include "views/graph/EdgeItem.h"
#include "views/graph/GraphExporter.h"
#include "views/graph/GraphPanel.h"
#include "views/graph/GraphView.h"
#include "views/graph/HealthThresholdsDialog.h"
#include "views/graph/NodeItem.h"

#include "models/graph/MeshGraphModel.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QToolBar>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestGraphPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kindSwitchRebuildsFromScratch();
    void edgeLabelsFollowTheMode();
    void findAndFocus();
    void tooltipsCarryTheNumbers();
    void nodesSayWhenNoTelemetryHasArrived();
    void zoomedOutDrawsWithoutDetailAndStopsAnimation();
    void exportsPngAndSvg();
    void healthThresholdsAreEditable();
    void largeRefreshKeepsItems();
    void namespaceChooserShowsSeveral();
    void namespacesTypedByHand();
    void hiddenPartsInOneQuietLine();
};

namespace {

EdgeTelemetry bookinfoTraffic(const char* destinationNs = "bookinfo")
{
    EdgeTelemetry t;
    t.arrived = true;
    auto add = [&](const char* source, const char* ns, const char* service, const char* workload, double rate, double errors) {
        EdgeSample s;
        s.sourceWorkload = QString::fromUtf8(source);
        s.sourceNamespace = QString::fromUtf8(ns);
        s.destinationNamespace = QString::fromUtf8(destinationNs);
        s.destinationService = QString::fromUtf8(service);
        s.destinationWorkload = QString::fromUtf8(workload);
        s.destinationVersion = s.destinationWorkload.section(u'-', -1);
        s.requestsPerSecond = rate;
        s.errorsPerSecond = errors;
        s.p50Ms = 4;
        s.p95Ms = 12;
        s.p99Ms = 40;
        t.samples.append(s);
    };
    add("istio-ingressgateway", "istio-system", "productpage", "productpage-v1", 20, 0);
    add("productpage-v1", destinationNs, "details", "details-v1", 20, 0);
    add("productpage-v1", destinationNs, "reviews", "reviews-v1", 16, 0);
    add("productpage-v1", destinationNs, "reviews", "reviews-v2", 4, 1);
    add("reviews-v2", destinationNs, "ratings", "ratings-v1", 4, 0);
    return t;
}

struct Fixture {
    MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    MeshGraphModel model;
    GraphPanel panel{&model};

    Fixture()
    {
        QObject::connect(&panel, &GraphPanel::optionsChanged, &model,
                         [this](const GraphOptions& options) { rebuild(options); });
        panel.resize(1200, 700);
        panel.show();
        rebuild(panel.options());
    }
    void rebuild(const GraphOptions& options) { model.setGraph(MeshGraphBuilder::build(topology, bookinfoTraffic(), options)); }
};

} // namespace

void TestGraphPanel::kindSwitchRebuildsFromScratch()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
    GraphView* view = f.panel.view();
    // Idle hidden by default: reviews-v3 takes no traffic.
    QVERIFY(view->nodeItem(QStringLiteral("wl:bookinfo/reviews-v2")));
    QVERIFY(!view->nodeItem(QStringLiteral("wl:bookinfo/reviews-v3")));

    f.panel.setGraphKind(GraphKind::Service);
    QCOMPARE(view->nodeItemCount(), 5); // 4 services and the ingress gateway
    QVERIFY(view->edgeItem(QStringLiteral("svc:bookinfo/reviews->svc:bookinfo/ratings")));
    QVERIFY(!view->nodeItem(QStringLiteral("wl:bookinfo/reviews-v2")));

    f.panel.setGraphKind(GraphKind::Workload);
    QVERIFY(view->edgeItem(QStringLiteral("wl:bookinfo/productpage-v1->wl:bookinfo/reviews-v2")));
    QVERIFY(!view->nodeItem(QStringLiteral("svc:bookinfo/reviews")));

    f.panel.setShowIdle(true);
    QVERIFY(view->nodeItem(QStringLiteral("wl:bookinfo/reviews-v3")));
}

void TestGraphPanel::edgeLabelsFollowTheMode()
{
    Fixture f;
    GraphView* view = f.panel.view();
    const GraphEdge& toV2 = view->edgeItem(QStringLiteral("svc:bookinfo/reviews->wl:bookinfo/reviews-v2"))->edge();
    GraphStyle style;
    QCOMPARE(style.edgeText(toV2), QStringLiteral("4.0 rps"));
    style.edgeLabel = EdgeLabel::Share;
    QCOMPARE(style.edgeText(toV2), QStringLiteral("20 %"));
    style.edgeLabel = EdgeLabel::ErrorRate;
    QCOMPARE(style.edgeText(toV2), QStringLiteral("25.0 % err"));
    style.edgeLabel = EdgeLabel::LatencyP99;
    QCOMPARE(style.edgeText(toV2), QStringLiteral("40 ms"));

    auto* labels = f.panel.findChildren<QComboBox*>().at(1);
    labels->setCurrentIndex(labels->findData(int(EdgeLabel::LatencyP95)));
    Q_EMIT labels->activated(labels->currentIndex());
    QCOMPARE(view->graphStyle().edgeLabel, EdgeLabel::LatencyP95);
}

void TestGraphPanel::findAndFocus()
{
    Fixture f;
    GraphView* view = f.panel.view();
    QVERIFY(view->findNode(QStringLiteral("RATINGS")));
    QCOMPARE(view->selectedNodeId(), QStringLiteral("svc:bookinfo/ratings")); // exact name beats ratings-v1
    QVERIFY(!view->findNode(QStringLiteral("no-such-service")));

    view->focusNode(QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY(view->nodeItem(QStringLiteral("svc:bookinfo/reviews"))->isVisible());
    QVERIFY(view->nodeItem(QStringLiteral("wl:bookinfo/productpage-v1"))->isVisible());
    QVERIFY(view->nodeItem(QStringLiteral("wl:bookinfo/reviews-v1"))->isVisible());
    QVERIFY(!view->nodeItem(QStringLiteral("svc:bookinfo/ratings"))->isVisible());
    QVERIFY(!view->edgeItem(QStringLiteral("svc:bookinfo/productpage->wl:bookinfo/productpage-v1"))->isVisible());
    view->focusNode({});
    QVERIFY(view->nodeItem(QStringLiteral("svc:bookinfo/ratings"))->isVisible());
}

void TestGraphPanel::tooltipsCarryTheNumbers()
{
    Fixture f;
    GraphView* view = f.panel.view();
    const QString edge = view->edgeItem(QStringLiteral("wl:bookinfo/productpage-v1->svc:bookinfo/reviews"))->toolTipText();
    QVERIFY2(edge.contains(QStringLiteral("20.00 requests/s")), qPrintable(edge));
    QVERIFY2(edge.contains(QStringLiteral("5.0 % 5xx")), qPrintable(edge));
    QVERIFY2(edge.contains(QStringLiteral("p99 40.0 ms")), qPrintable(edge));
    const QString node = view->nodeItem(QStringLiteral("svc:bookinfo/reviews"))->toolTipText();
    QVERIFY2(node.contains(QStringLiteral("traffic split")), qPrintable(node));
    QVERIFY2(node.contains(QStringLiteral("VirtualService")), qPrintable(node));
    const QString caller = view->nodeItem(QStringLiteral("ext:istio-system/istio-ingressgateway"))->toolTipText();
    QVERIFY2(caller.contains(QStringLiteral("caller istio-ingressgateway in istio-system")), qPrintable(caller));

    // Traffic into a namespace not shown ends at its destination there, which is no caller.
    EdgeTelemetry traffic = bookinfoTraffic();
    EdgeSample out = traffic.samples.last();
    out.destinationNamespace = QStringLiteral("payments");
    out.destinationService = QStringLiteral("ledger");
    out.destinationWorkload = QStringLiteral("ledger-v1");
    traffic.samples.append(out);
    f.model.setGraph(MeshGraphBuilder::build(f.topology, traffic, f.panel.options()));
    NodeItem* ledger = view->nodeItem(QStringLiteral("svc:payments/ledger"));
    QVERIFY(ledger);
    QVERIFY2(ledger->toolTipText().contains(QStringLiteral("destination ledger in payments (outside the namespaces shown)")),
             qPrintable(ledger->toolTipText()));
}

void TestGraphPanel::nodesSayWhenNoTelemetryHasArrived()
{
    // Before Prometheus answers (or when the user may not ask it) the rates are unknown: an idle
    // mesh measured at 0 and a mesh nobody measured must not read the same.
    Fixture f;
    GraphOptions options = f.panel.options();
    options.showIdle = true; // the page shows idle nodes while it has no telemetry
    f.model.setGraph(MeshGraphBuilder::build(f.topology, EdgeTelemetry{}, options));
    NodeItem* reviews = f.panel.view()->nodeItem(QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY(reviews);
    QVERIFY(!f.model.nodes()->rows().at(f.model.nodes()->rowOf(QStringLiteral("svc:bookinfo/reviews"))).rateKnown);
    QVERIFY2(reviews->toolTipText().contains(QStringLiteral("no telemetry from Prometheus yet")), qPrintable(reviews->toolTipText()));
    QVERIFY(!reviews->toolTipText().contains(QStringLiteral("requests/s")));

    // Prometheus answered with no traffic at all: now 0 is a measurement.
    EdgeTelemetry idle;
    idle.arrived = true;
    f.model.setGraph(MeshGraphBuilder::build(f.topology, idle, options));
    reviews = f.panel.view()->nodeItem(QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY2(reviews->toolTipText().contains(QStringLiteral("0.00 requests/s arriving")), qPrintable(reviews->toolTipText()));
}

void TestGraphPanel::zoomedOutDrawsWithoutDetailAndStopsAnimation()
{
    Fixture f;
    GraphView* view = f.panel.view();
    view->setAnimationRunning(true);
    QVERIFY(view->graphStyle().animating);
    view->setTransform(QTransform::fromScale(0.1, 0.1));
    view->zoomBy(1.01);
    QVERIFY(view->isAnimationRunning());
    QVERIFY(!view->graphStyle().animating); // wanted, but nothing to see at this zoom
    QImage image(view->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    view->viewport()->render(&image);
    view->fitToWindow();
    QVERIFY(view->graphStyle().animating);
}

void TestGraphPanel::exportsPngAndSvg()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("graph.png"));
    const QString svg = dir.filePath(QStringLiteral("graph.svg"));
    QCOMPARE(GraphExporter::write(f.panel.view(), png), QString());
    QCOMPARE(GraphExporter::write(f.panel.view(), svg), QString());
    const QImage image(png);
    QCOMPARE(image.size(), f.panel.view()->viewport()->size() * f.panel.view()->devicePixelRatioF());
    QFile drawing(svg);
    QVERIFY(drawing.open(QIODevice::ReadOnly));
    const QByteArray text = drawing.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("reviews"));
    QVERIFY(GraphExporter::write(f.panel.view(), dir.filePath(QStringLiteral("graph.bmp"))).contains(u"unknown"));
}

void TestGraphPanel::healthThresholdsAreEditable()
{
    Fixture f;
    QAction* health = nullptr;
    for (QAction* action : f.panel.findChild<QToolBar*>()->actions()) {
        if (action->text() == u"Health…")
            health = action;
    }
    QVERIFY(health);
    health->trigger();
    auto* dialog = f.panel.findChild<HealthThresholdsDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    // It opens on Kiali's defaults: 3 % 5xx is degraded, not failing.
    QCOMPARE(f.panel.view()->graphStyle().thresholds.classify(0.03, 0), Health::Degraded);

    // The operator tolerates up to 5 % 5xx and calls 2 % failing by mistake: failing is raised to meet it.
    HealthThresholds edited;
    edited.serverDegraded = 0.05;
    edited.serverFailing = 0.02;
    dialog->setThresholds(edited);
    dialog->accept();
    const HealthThresholds applied = f.panel.view()->graphStyle().thresholds;
    QCOMPARE(applied.serverDegraded, 0.05);
    QCOMPARE(applied.serverFailing, 0.05);
    QCOMPARE(applied.classify(0.03, 0), Health::Healthy);
    QCOMPARE(applied.classify(0.06, 0), Health::Failing);
    QTRY_VERIFY(!f.panel.findChild<HealthThresholdsDialog*>()); // deleted on close

    // "Restore defaults" goes back to Kiali's.
    health->trigger();
    dialog = f.panel.findChild<HealthThresholdsDialog*>();
    QVERIFY(dialog);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::RestoreDefaults)->click();
    dialog->accept();
    QCOMPARE(f.panel.view()->graphStyle().thresholds.serverFailing, HealthThresholds{}.serverFailing);
}

void TestGraphPanel::largeRefreshKeepsItems()
{
    const GeneratedMesh mesh = generatedMesh(500);
    const GeneratedMesh busier = generatedMesh(500, 1.5);
    MeshGraphModel model;
    GraphView view;
    view.setModel(&model);
    view.resize(1200, 800);
    view.show();
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    QTRY_VERIFY_WITH_TIMEOUT(view.nodeItemCount() > 1500, 30000);
    const int edges = view.edgeItemCount();
    QCOMPARE(edges, model.edges()->rowCount());
    EdgeItem* before = view.edgeItem(QStringLiteral("ext:istio-system/istio-ingressgateway->svc:mesh/svc-0000"));
    QVERIFY(before);
    model.setGraph(MeshGraphBuilder::build(busier.topology, busier.telemetry));
    QCOMPARE(view.edgeItem(QStringLiteral("ext:istio-system/istio-ingressgateway->svc:mesh/svc-0000")), before);
    QCOMPARE(before->edge().requestsPerSecond, 15.0);
    QCOMPARE(view.edgeItemCount(), edges);
}

QAction* namespaceAction(const GraphPanel& panel, const QString& text)
{
    const QList<QAction*> actions = panel.namespaceMenu()->actions();
    for (QAction* action : actions) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

void TestGraphPanel::namespaceChooserShowsSeveral()
{
    const MeshTopology bookinfo = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));
    const MeshTopology copy = bookinfoTopology(weightedRoute({{"v1", 100}}), QStringLiteral("bookinfo-copy"));
    EdgeTelemetry traffic = bookinfoTraffic();
    traffic.samples.append(bookinfoTraffic("bookinfo-copy").samples);
    MeshGraphModel model;
    GraphPanel panel(&model);
    // As the page does: the namespaces chosen are the ones loaded and drawn.
    QObject::connect(&panel, &GraphPanel::namespacesChanged, &model, [&](const QStringList& namespaces) {
        MeshTopologies shown;
        for (const MeshTopology& t : {bookinfo, copy}) {
            if (namespaces.contains(t.namespaceName))
                shown.namespaces.append(t);
        }
        model.setGraph(MeshGraphBuilder::build(shown, traffic));
    });
    panel.resize(1200, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setAvailableNamespaces({QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy"), QStringLiteral("mesh")}, true);
    panel.setNamespaces({QStringLiteral("bookinfo")});
    QVERIFY(panel.view()->nodeItem(QStringLiteral("svc:bookinfo/reviews")));
    QVERIFY(!panel.view()->nodeItem(QStringLiteral("svc:bookinfo-copy/reviews")));
    QVERIFY(!panel.view()->nodeItem(QStringLiteral("svc:bookinfo/reviews"))->node().namespaceShown);

    // Picking a second namespace in the menu shows both, each node's box naming its namespace.
    QSignalSpy changed(&panel, &GraphPanel::namespacesChanged);
    QAction* second = namespaceAction(panel, QStringLiteral("bookinfo-copy"));
    QVERIFY(second && second->isCheckable() && !second->isChecked());
    second->trigger();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(panel.namespaces(), (QStringList{QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy")}));
    QVERIFY(namespaceAction(panel, QStringLiteral("bookinfo-copy"))->isChecked());
    QVERIFY(panel.view()->nodeItem(QStringLiteral("svc:bookinfo-copy/reviews")));
    for (const QString& id : {QStringLiteral("svc:bookinfo/reviews"), QStringLiteral("svc:bookinfo-copy/reviews")})
        QVERIFY(panel.view()->nodeItem(id)->node().namespaceShown);
    QCOMPARE(panel.view()->nodeItem(QStringLiteral("svc:bookinfo-copy/reviews"))->node().namespaceName, QStringLiteral("bookinfo-copy"));

    // Unticking the first leaves the copy; the last one cannot be unticked (a graph of nothing).
    namespaceAction(panel, QStringLiteral("bookinfo"))->trigger();
    QCOMPARE(panel.namespaces(), QStringList{QStringLiteral("bookinfo-copy")});
    QVERIFY(!panel.view()->nodeItem(QStringLiteral("svc:bookinfo/reviews")));
    namespaceAction(panel, QStringLiteral("bookinfo-copy"))->trigger();
    QCOMPARE(panel.namespaces(), QStringList{QStringLiteral("bookinfo-copy")});
    QVERIFY(namespaceAction(panel, QStringLiteral("bookinfo-copy"))->isChecked());
    QCOMPARE(changed.count(), 2);
}

void TestGraphPanel::namespacesTypedByHand()
{
    MeshGraphModel model;
    GraphPanel panel(&model);
    panel.setNamespaces({QStringLiteral("bookinfo")});
    // A user who may not list namespaces gets the context's, a note saying why, and "Add namespace…".
    panel.setAvailableNamespaces({QStringLiteral("bookinfo")}, false);
    QAction* note = nullptr;
    const QList<QAction*> actions = panel.namespaceMenu()->actions();
    for (QAction* action : actions) {
        if (action->text().contains(QStringLiteral("may not list")))
            note = action;
    }
    QVERIFY(note && !note->isEnabled());
    QVERIFY(namespaceAction(panel, QStringLiteral("Add namespace…")));

    QSignalSpy status(&panel, &GraphPanel::statusMessage);
    QSignalSpy changed(&panel, &GraphPanel::namespacesChanged);
    QVERIFY(!panel.addNamespace(QStringLiteral("Payments_EU")));
    QCOMPARE(status.count(), 1);
    QVERIFY(status.first().first().toString().contains(QStringLiteral("Payments_EU")));
    QCOMPARE(changed.count(), 0);
    QVERIFY(panel.addNamespace(QStringLiteral(" payments ")));
    QCOMPARE(panel.namespaces(), (QStringList{QStringLiteral("bookinfo"), QStringLiteral("payments")}));
    QCOMPARE(changed.count(), 1);
    // The next refresh of what may be listed still offers the name typed.
    panel.setAvailableNamespaces({QStringLiteral("bookinfo")}, false);
    QVERIFY(namespaceAction(panel, QStringLiteral("payments")));
    QVERIFY(namespaceAction(panel, QStringLiteral("payments"))->isChecked());
}

void TestGraphPanel::hiddenPartsInOneQuietLine()
{
    MeshGraphModel model;
    GraphPanel panel(&model);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.hiddenText().isEmpty());
    const QString forbidden = QStringLiteral("namespaces \"payments\" is forbidden: User \"meshdeck-bookinfo\" cannot list "
                                             "resource \"services\" in API group \"\" in the namespace \"payments\"");
    panel.setHiddenParts({{QStringLiteral("payments"), QString(), forbidden},
                          {QStringLiteral("bookinfo"), QStringLiteral("httproutes"), QStringLiteral("forbidden")}});
    QCOMPARE(panel.hiddenText(), QStringLiteral("Hidden: namespace payments — ") + forbidden + QStringLiteral(" (and 1 more)"));
    auto* line = panel.findChild<QLabel*>(QStringLiteral("hiddenParts"));
    QVERIFY(line && line->isVisible());
    QVERIFY(line->toolTip().contains(QStringLiteral("httproutes in bookinfo — forbidden")));
    QVERIFY(!QApplication::activeModalWidget()); // said, not an error box
    // However long the reason, the line does not widen the panel.
    QVERIFY(panel.minimumSizeHint().width() < 600);

    panel.setHiddenParts({});
    QVERIFY(panel.hiddenText().isEmpty());
    QVERIFY(!line->isVisible());
}

QTEST_MAIN(TestGraphPanel)
#include "tst_graphpanel.moc"

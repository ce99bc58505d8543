// SPDX-License-Identifier: Apache-2.0
// Switching context never restarts or freezes MeshDeck, and what the old context was still loading
// never reaches the new one: two real demo clusters (bookinfo, and a generated mesh), one merged
// kubeconfig, a switch made while the first one's lists are in flight.
#include "DemoClusterProcess.h"
#include "MainWindow.h"

#include "views/connect/ConnectionStatus.h"
#include "views/graph/GraphPanel.h"
#include "views/graph/GraphView.h"
#include "views/graph/NodeItem.h"
#include "views/pages/MeshPage.h"

#include "models/audit/AuditLog.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"
#include "models/session/ContextCatalog.h"

#include <QFile>
#include <QGraphicsScene>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestContextSwitch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void deletedSessionDropsLateResults();
    void switchMidLoadShowsOnlyTheNewContext();
    void switchNamespaceKeepsTheContext();

private:
    // The names of the service nodes the window's graph shows now.
    static QStringList shownNames(MainWindow& window);

    std::unique_ptr<DemoClusterProcess> m_bookinfo;
    std::unique_ptr<DemoClusterProcess> m_generated;
    QTemporaryDir m_dir;
};

void TestContextSwitch::initTestCase()
{
    m_bookinfo = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off);
    m_generated = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off,
                                                       QStringList{QStringLiteral("--services"), QStringLiteral("12")});
    QVERIFY2(m_bookinfo->start(), qPrintable(m_bookinfo->errorString()));
    QVERIFY2(m_generated->start(), qPrintable(m_generated->errorString()));
    // Both clusters name their contexts alike; the second one's are renamed, as an operator merging
    // two kubeconfigs would, and both files go into $KUBECONFIG.
    QFile second(m_generated->kubeconfigPath());
    QVERIFY(second.open(QIODevice::ReadOnly));
    const QByteArray renamed = second.readAll().replace("meshdeck-demo", "demo-b");
    QFile merged(m_dir.filePath(QStringLiteral("demo-b.kubeconfig")));
    QVERIFY(merged.open(QIODevice::WriteOnly));
    merged.write(renamed);
    merged.close();
    qputenv("KUBECONFIG", (m_bookinfo->kubeconfigPath() + u':' + merged.fileName()).toLocal8Bit());
    qputenv("HOME", m_dir.path().toLocal8Bit());
}


QStringList TestContextSwitch::shownNames(MainWindow& window)
{
    QStringList names;
    if (!window.meshPage())
        return names;
    const auto items = window.meshPage()->graphView()->scene()->items();
    for (QGraphicsItem* item : items) {
        if (auto* node = dynamic_cast<NodeItem*>(item))
            names.append(node->node().name);
    }
    return names;
}

void TestContextSwitch::deletedSessionDropsLateResults()
{
    // A loader whose session goes away while its six lists are in flight...
    auto old = m_bookinfo->session();
    QVERIFY(old);
    MeshTopologyLoader orphan(old.get());
    QSignalSpy late(&orphan, &MeshTopologyLoader::topologyAvailable);
    QSignalSpy lateFailure(&orphan, &MeshTopologyLoader::loadFailed);
    orphan.refresh();
    old.reset();

    // ...while the same lists on a live session answer, twice over: the server has replied to the
    // orphan's requests by then too.
    auto live = m_bookinfo->session();
    MeshTopologyLoader control(live.get());
    QSignalSpy answered(&control, &MeshTopologyLoader::topologyAvailable);
    control.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 30000);
    control.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 2, 30000);
    QCOMPARE(late.count(), 0);
    QCOMPARE(lateFailure.count(), 0);
    orphan.refresh(); // and asking again without a session does nothing
    QCOMPARE(late.count(), 0);
}

void TestContextSwitch::switchMidLoadShowsOnlyTheNewContext()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QCOMPARE(window.contexts()->rowCount(), 6); // each cluster's admin, viewer and bookinfo user
    QSignalSpy changed(&window, &MainWindow::sessionChanged);

    // bookinfo's lists go out, and before any answer is back the operator picks the other cluster.
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo")));
    const QPointer<MeshPage> oldPage = window.meshPage();
    const QPointer<ClusterSession> oldSession = window.session();
    QVERIFY(window.connectTo(QStringLiteral("demo-b")));
    QVERIFY(oldPage.isNull());
    QVERIFY(oldSession.isNull());
    QCOMPARE(changed.count(), 2);
    QCOMPARE(window.session()->contextName(), QStringLiteral("demo-b"));
    QCOMPARE(window.session()->namespaceName(), QStringLiteral("mesh"));
    // Without Prometheus there is no traffic: every service is shown, idle.
    window.meshPage()->graphPanel()->setShowIdle(true);

    // Every picture of the graph from now on is the generated mesh's: no bookinfo service appears.
    QStringList leaked;
    connect(window.meshPage()->graphView()->scene(), &QGraphicsScene::changed, this, [&] {
        const QStringList names = shownNames(window);
        for (const char* bookinfo : {"productpage", "reviews", "ratings", "details"}) {
            if (names.contains(QLatin1String(bookinfo)))
                leaked.append(QLatin1String(bookinfo));
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(shownNames(window).size() >= 12, 30000);
    const QString leakedFromB = shownNames(window).first();
    // Two more topology refreshes (every 2 s) after the first graph.
    QTest::qWait(4500);
    QVERIFY2(leaked.isEmpty(), qPrintable(leaked.join(u',')));
    QVERIFY(window.connectionStatus()->contextLabel()->text().startsWith(u"demo-b"));

    // And back: bookinfo's graph, and none of the generated mesh's services.
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo")));
    window.meshPage()->graphPanel()->setShowIdle(true);
    QTRY_VERIFY_WITH_TIMEOUT(shownNames(window).contains(u"productpage"), 30000);
    QVERIFY(!shownNames(window).contains(leakedFromB));
    QCOMPARE(window.session()->namespaceName(), QStringLiteral("bookinfo"));
}

void TestContextSwitch::switchNamespaceKeepsTheContext()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo")));
    const QPointer<ClusterSession> first = window.session();
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo"), QStringLiteral("bookinfo")));
    QVERIFY(!first.isNull()); // where it already is: nothing rebuilt
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo"), QStringLiteral("istio-system")));
    QVERIFY(first.isNull());
    QCOMPARE(window.session()->contextName(), QStringLiteral("meshdeck-demo"));
    QCOMPARE(window.session()->namespaceName(), QStringLiteral("istio-system"));
    QVERIFY(window.connectionStatus()->contextLabel()->text().endsWith(u"istio-system"));
}

QTEST_MAIN(TestContextSwitch)
#include "tst_contextswitch.moc"

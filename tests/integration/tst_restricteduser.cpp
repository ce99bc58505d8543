// SPDX-License-Identifier: Apache-2.0
// Users without full rights work in the context's namespace: the demo cluster's viewer (get, list
// and watch everywhere) and meshdeck-bookinfo (bound to namespace bookinfo only, where it may also
// edit VirtualServices and DestinationRules). The graph loads, the status bar names the user and
// lists once what is hidden and why (agreeing with `kubectl auth can-i`), the panels are read-only
// where writes are refused, and no error dialog appears.
#include "DemoClusterProcess.h"
#include "MainWindow.h"

#include "views/connect/ConnectionStatus.h"
#include "views/connect/ContextSwitcher.h"
#include "views/graph/GraphPanel.h"
#include "views/graph/GraphView.h"
#include "views/faults/FaultPanel.h"
#include "views/pages/MeshPage.h"
#include "views/telemetry/TelemetryPanel.h"
#include "views/traffic/TrafficPanel.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentWatcher.h"
#include "models/session/AccessRestrictions.h"
#include "models/session/ClusterSession.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

class TestRestrictedUser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void restrictionsAgreeWithKubectl_data();
    void restrictionsAgreeWithKubectl();
    void viewerWorksAndIsToldWhatIsHidden();
    void bookinfoUserWorksInItsNamespace();
    void adminHasNoRestrictions();

private:
    void verifyNoErrorDialog(const MainWindow& window);
    bool kubectlCanI(const QString& context, const QStringList& question);

    std::unique_ptr<DemoClusterProcess> m_cluster;
    QTemporaryDir m_dir;
};

void TestRestrictedUser::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
    qputenv("HOME", m_dir.path().toLocal8Bit());
    qputenv("KUBECACHEDIR", m_dir.filePath(QStringLiteral("kubecache")).toLocal8Bit());
    qputenv("KUBECONFIG", m_cluster->kubeconfigPath().toLocal8Bit());
}

bool TestRestrictedUser::kubectlCanI(const QString& context, const QStringList& question)
{
    QProcess kubectl;
    kubectl.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--context"), context, QStringLiteral("auth"),
                                                         QStringLiteral("can-i")}
                                                 + question);
    kubectl.waitForFinished(30000);
    return kubectl.readAllStandardOutput().trimmed() == "yes";
}

void TestRestrictedUser::restrictionsAgreeWithKubectl_data()
{
    QTest::addColumn<QString>("context");
    QTest::addColumn<QStringList>("question");
    QTest::addColumn<QString>("hidden"); // what MeshDeck says it leaves out when kubectl says no
    const QString viewer = QStringLiteral("meshdeck-demo-viewer");
    const QString admin = QStringLiteral("meshdeck-demo");
    const QStringList patchVs{QStringLiteral("patch"), QStringLiteral("virtualservices.networking.istio.io"),
                              QStringLiteral("-n"), QStringLiteral("bookinfo")};
    // Cluster-wide, as MeshDeck asks: with the context's namespace in the question, RBAC would
    // answer from the bookinfo RoleBinding (whose "*" names namespaces too) and say yes, although
    // listing /api/v1/namespaces is forbidden.
    const QStringList listNs{QStringLiteral("list"), QStringLiteral("namespaces"), QStringLiteral("--all-namespaces")};
    const QStringList listPods{QStringLiteral("list"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("bookinfo")};
    QTest::newRow("viewer patches") << viewer << patchVs << QStringLiteral("Traffic changes");
    QTest::newRow("viewer lists namespaces") << viewer << listNs << QStringLiteral("Other namespaces");
    QTest::newRow("viewer lists pods") << viewer << listPods << QStringLiteral("Pods");
    QTest::newRow("admin patches") << admin << patchVs << QStringLiteral("Traffic changes");
    const QString bookinfo = QStringLiteral("meshdeck-demo-bookinfo");
    const QStringList listVsEverywhere{QStringLiteral("list"), QStringLiteral("virtualservices.networking.istio.io"),
                                       QStringLiteral("--all-namespaces")};
    const QStringList prometheus{QStringLiteral("get"), QStringLiteral("services"), QStringLiteral("--subresource=proxy"),
                                 QStringLiteral("-n"), QStringLiteral("istio-system")};
    const QStringList listVs{QStringLiteral("list"), QStringLiteral("virtualservices.networking.istio.io"),
                             QStringLiteral("-n"), QStringLiteral("bookinfo")};
    QTest::newRow("bookinfo patches") << bookinfo << patchVs << QStringLiteral("Traffic changes");
    QTest::newRow("bookinfo lists namespaces") << bookinfo << listNs << QStringLiteral("Other namespaces");
    QTest::newRow("bookinfo lists pods") << bookinfo << listPods << QStringLiteral("Pods");
    QTest::newRow("bookinfo lists virtualservices") << bookinfo << listVs << QStringLiteral("VirtualServices");
    const QStringList listDr{QStringLiteral("list"), QStringLiteral("destinationrules.networking.istio.io"),
                             QStringLiteral("-n"), QStringLiteral("bookinfo")};
    QTest::newRow("bookinfo lists destinationrules") << bookinfo << listDr << QStringLiteral("DestinationRules");
    QTest::newRow("bookinfo lists every virtualservice") << bookinfo << listVsEverywhere
                                                         << QStringLiteral("Fault experiments in other namespaces");
    QTest::newRow("bookinfo reaches prometheus") << bookinfo << prometheus << QStringLiteral("Telemetry");
    QTest::newRow("viewer lists every virtualservice") << viewer << listVsEverywhere
                                                       << QStringLiteral("Fault experiments in other namespaces");
    QTest::newRow("viewer reaches prometheus") << viewer << prometheus << QStringLiteral("Telemetry");
}

void TestRestrictedUser::restrictionsAgreeWithKubectl()
{
    QFETCH(QString, context);
    QFETCH(QStringList, question);
    QFETCH(QString, hidden);
    auto connection = m_cluster->connection(context.toStdString());
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));
    ClusterSession session(std::get<kube::ClusterConnection>(connection));
    AccessRestrictions restrictions(&session);
    QSignalSpy checked(&restrictions, &AccessRestrictions::checked);
    restrictions.check();
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 30000);
    const bool saysHidden = std::any_of(restrictions.restrictions().cbegin(), restrictions.restrictions().cend(),
                                        [&](const AccessRestrictions::Restriction& r) { return r.what.startsWith(hidden); });
    QCOMPARE(saysHidden, !kubectlCanI(context, question));
}

void TestRestrictedUser::viewerWorksAndIsToldWhatIsHidden()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo-viewer")));
    QCOMPARE(window.session()->namespaceName(), QStringLiteral("bookinfo"));

    // The mesh shows as for anyone who may read it (idle: this cluster runs without Prometheus).
    window.meshPage()->graphPanel()->setShowIdle(true);
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->graphView()->nodeItemCount() > 3, 30000);
    // Who we are, and what is hidden and why, in the status bar.
    ConnectionStatus* status = window.connectionStatus();
    QTRY_VERIFY_WITH_TIMEOUT(status->identityLabel()->text().contains(u"meshdeck-viewer"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(status->restrictionsBadge()->isVisible(), 30000);
    const QString why = status->restrictionsBadge()->toolTip();
    QVERIFY2(why.contains(u"Traffic changes and fault experiments"), qPrintable(why));
    QVERIFY2(why.contains(u"meshdeck-viewer may not patch virtualservices in namespace bookinfo"), qPrintable(why));
    QVERIFY(!status->restrictionsBadge()->menu()->actions().isEmpty());
    // The viewer may list namespaces on the demo cluster: they are offered to switch to.
    QTRY_VERIFY_WITH_TIMEOUT(window.contextSwitcher()->namespaceBox()->findText(QStringLiteral("istio-system")) >= 0, 30000);
    verifyNoErrorDialog(window);
}

void TestRestrictedUser::verifyNoErrorDialog(const MainWindow& window)
{
    QVERIFY(QApplication::activeModalWidget() == nullptr);
    QVERIFY(QApplication::topLevelWidgets().size() >= 1);
    for (QWidget* top : QApplication::topLevelWidgets())
        QVERIFY2(!top->isVisible() || top == &window || !top->inherits("QMessageBox"), qPrintable(top->windowTitle()));
}

void TestRestrictedUser::bookinfoUserWorksInItsNamespace()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo-bookinfo")));
    QCOMPARE(window.session()->namespaceName(), QStringLiteral("bookinfo"));

    // No Prometheus for this user, so no traffic numbers: the page shows the idle topology by itself.
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->graphView()->nodeItemCount() > 3, 30000);
    ConnectionStatus* status = window.connectionStatus();
    QTRY_VERIFY_WITH_TIMEOUT(status->identityLabel()->text().contains(u"meshdeck-bookinfo"), 30000);
    // What is left out, said once in the status bar with the reason, in the API server's words.
    QTRY_VERIFY_WITH_TIMEOUT(status->restrictionsBadge()->isVisible(), 30000);
    const QString why = status->restrictionsBadge()->toolTip();
    for (const char* expected :
         {"Other namespaces: not listed (type one in the namespace box to switch to it): meshdeck-bookinfo may not "
          "list namespaces cluster-wide",
          "Fault experiments in other namespaces: not listed, nor reverted at expiry by this MeshDeck: "
          "meshdeck-bookinfo may not list virtualservices cluster-wide",
          "meshdeck-bookinfo may not get services/proxy in namespace istio-system"})
        QVERIFY2(why.contains(QString::fromUtf8(expected)), qPrintable(why));
    QVERIFY2(!why.contains(u"Traffic changes") && !why.contains(u"Pods"), qPrintable(why));
    QCOMPARE(status->restrictionsBadge()->menu()->actions().size(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(status->prometheusLabel()->text().contains(u"not permitted"), 30000);
    // The telemetry panel says it once, quietly, instead of failing at every query.
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->telemetryPanel()->bannerText().startsWith(
                                 u"Telemetry is not shown: meshdeck-bookinfo may not reach Prometheus"),
                             30000);
    QVERIFY2(!window.statusBar()->currentMessage().contains(u"Forbidden"), qPrintable(window.statusBar()->currentMessage()));

    // The namespace box offers the context's own and takes a typed one.
    QTRY_COMPARE_WITH_TIMEOUT(window.contextSwitcher()->namespaceBox()->count(), 1, 30000);
    QCOMPARE(window.contextSwitcher()->namespaceBox()->itemText(0), QStringLiteral("bookinfo"));
    QVERIFY(window.contextSwitcher()->namespaceBox()->isEditable());
    QVERIFY2(window.contextSwitcher()->namespaceBox()->toolTip().contains(u"may not list"),
             qPrintable(window.contextSwitcher()->namespaceBox()->toolTip()));

    // It may edit traffic here, so the panels stay writable; fault experiments are watched in
    // bookinfo only.
    window.meshPage()->selectService(QStringLiteral("reviews"));
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->trafficPanel()->isWritable(), 30000);
    QVERIFY(window.meshPage()->faultPanel()->isWritable());
    QTRY_COMPARE_WITH_TIMEOUT(window.meshPage()->experimentWatcher()->namespaces(), QStringList{QStringLiteral("bookinfo")},
                              30000);
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->experimentRegistry()->isSynced(), 30000);
    verifyNoErrorDialog(window);
}

void TestRestrictedUser::adminHasNoRestrictions()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(QStringLiteral("meshdeck-demo")));
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionStatus()->identityLabel()->text().contains(u"meshdeck-admin"), 30000);
    window.meshPage()->graphPanel()->setShowIdle(true);
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->graphView()->nodeItemCount() > 3, 30000);
    QVERIFY(window.connectionStatus()->restrictionsBadge()->isHidden());
}

QTEST_MAIN(TestRestrictedUser)
#include "tst_restricteduser.moc"

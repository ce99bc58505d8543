// SPDX-License-Identifier: Apache-2.0
// A user without full rights (the demo cluster's viewer: get, list and watch only) works in the
// context's namespace: the graph loads, the status bar names the user and lists what is hidden and
// why, the traffic panel is read-only with the reason, and no error dialog appears.
#include "DemoClusterProcess.h"
#include "MainWindow.h"

#include "views/connect/ConnectionStatus.h"
#include "views/connect/ContextSwitcher.h"
#include "views/graph/GraphPanel.h"
#include "views/graph/GraphView.h"
#include "views/pages/MeshPage.h"

#include "models/audit/AuditLog.h"
#include "models/session/AccessRestrictions.h"
#include "models/session/ClusterSession.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
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
    void adminHasNoRestrictions();

private:
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
    const QStringList listNs{QStringLiteral("list"), QStringLiteral("namespaces")};
    const QStringList listPods{QStringLiteral("list"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("bookinfo")};
    QTest::newRow("viewer patches") << viewer << patchVs << QStringLiteral("Traffic changes");
    QTest::newRow("viewer lists namespaces") << viewer << listNs << QStringLiteral("Other namespaces");
    QTest::newRow("viewer lists pods") << viewer << listPods << QStringLiteral("Pods");
    QTest::newRow("admin patches") << admin << patchVs << QStringLiteral("Traffic changes");
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
    // No error dialog at any point.
    QVERIFY(QApplication::activeModalWidget() == nullptr);
    QVERIFY(QApplication::topLevelWidgets().size() >= 1);
    for (QWidget* top : QApplication::topLevelWidgets())
        QVERIFY2(!top->isVisible() || top == &window || !top->inherits("QMessageBox"), qPrintable(top->windowTitle()));
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

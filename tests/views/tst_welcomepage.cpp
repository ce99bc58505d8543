// SPDX-License-Identifier: Apache-2.0
// The first launch: with no kubeconfig anywhere MeshDeck opens on the welcome page; a kubeconfig
// that fails to load puts the reason there instead of a modal box; "Start the demo cluster" starts
// the real meshdeck-democluster with its Prometheus, connects, and stops it with the window.
#include "MainWindow.h"

#include "views/connect/ConnectionStatus.h"
#include "views/connect/WelcomePage.h"
#include "views/graph/GraphView.h"
#include "views/pages/MeshPage.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"
#include "models/session/DemoClusterLauncher.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestWelcomePage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void buttonsAskForWhatTheySay();
    void busyWhileStartingThenIdle();
    void noKubeconfigShowsTheWelcomePage();
    void brokenKubeconfigIsExplainedOnThePage_data();
    void brokenKubeconfigIsExplainedOnThePage();
    void startsTheDemoClusterAndConnects();

private:
    QTemporaryDir m_home;
};

void TestWelcomePage::init()
{
    // "No kubeconfig anywhere": no $KUBECONFIG, and a home without ~/.kube/config.
    qunsetenv("KUBECONFIG");
    qputenv("HOME", m_home.path().toLocal8Bit());
}

void TestWelcomePage::buttonsAskForWhatTheySay()
{
    WelcomePage page;
    QSignalSpy demo(&page, &WelcomePage::startDemoRequested);
    QSignalSpy cancel(&page, &WelcomePage::cancelRequested);
    QTest::mouseClick(page.startDemoButton(), Qt::LeftButton);
    QCOMPARE(demo.count(), 1);
    page.setBusy(QStringLiteral("Starting…"));
    QTest::mouseClick(page.cancelButton(), Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
}

void TestWelcomePage::busyWhileStartingThenIdle()
{
    WelcomePage page;
    page.show();
    QVERIFY(!page.isBusy());
    QVERIFY(page.cancelButton()->isHidden());
    page.setBusy(QStringLiteral("Starting the demo cluster…"));
    QVERIFY(page.isBusy());
    QVERIFY(!page.startDemoButton()->isEnabled());
    QVERIFY(!page.openKubeconfigButton()->isEnabled());
    QVERIFY(page.cancelButton()->isVisible());
    page.setIdle();
    QVERIFY(page.startDemoButton()->isEnabled());
    page.setDemoAvailable(false);
    QVERIFY(!page.startDemoButton()->isEnabled());
    QVERIFY(page.startDemoButton()->toolTip().contains(u"meshdeck-democluster"));
    page.setProblem(QStringLiteral("it broke"));
    QCOMPARE(page.problem(), QStringLiteral("it broke"));
    page.setProblem({});
    QVERIFY(page.problem().isEmpty());
}

void TestWelcomePage::noKubeconfigShowsTheWelcomePage()
{
    AuditLog audit(m_home.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    QVERIFY(!window.openKubeconfig()); // what main() does not even try when nothing exists
    window.show();
    QCOMPARE(window.centralWidget()->findChild<WelcomePage*>(), window.welcomePage());
    QVERIFY(window.welcomePage()->isVisible());
    QVERIFY(window.meshPage() == nullptr);
    QVERIFY(window.session() == nullptr);
    QVERIFY(window.welcomePage()->startDemoButton()->isEnabled()); // found in the build tree
    QVERIFY(QApplication::activeModalWidget() == nullptr);
}

void TestWelcomePage::brokenKubeconfigIsExplainedOnThePage_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not yaml") << QByteArray("clusters: [unclosed\n") << QStringLiteral("kubeconfig");
    QTest::newRow("context names a missing cluster")
        << QByteArray("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context:\n    cluster: nowhere\n"
                      "    user: u\nusers:\n- name: u\n  user:\n    token: t\n")
        << QStringLiteral("nowhere");
}

void TestWelcomePage::brokenKubeconfigIsExplainedOnThePage()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_home.filePath(QStringLiteral("kubeconfig"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
    file.close();

    AuditLog audit(m_home.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    if (window.openKubeconfig(path))
        QVERIFY(!window.connectTo({}));
    QVERIFY(window.meshPage() == nullptr);
    QVERIFY(window.welcomePage()->isVisible());
    const QString problem = window.welcomePage()->problem();
    QVERIFY2(problem.contains(expected), qPrintable(problem));
    QVERIFY(QApplication::activeModalWidget() == nullptr);
}

void TestWelcomePage::startsTheDemoClusterAndConnects()
{
    AuditLog audit(m_home.filePath(QStringLiteral("audit.jsonl")));
    auto window = std::make_unique<MainWindow>(&audit);
    window->show();
    QSignalSpy connected(window.get(), &MainWindow::sessionChanged);
    QTest::mouseClick(window->welcomePage()->startDemoButton(), Qt::LeftButton);
    QVERIFY(window->welcomePage()->isBusy());
    QVERIFY(window->demoCluster()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(connected.count() == 1, 90000);
    QVERIFY2(window->welcomePage()->problem().isEmpty(), qPrintable(window->welcomePage()->problem()));
    QVERIFY(window->demoCluster()->isReady());
    QCOMPARE(window->session()->contextName(), QStringLiteral("meshdeck-demo"));
    QCOMPARE(window->session()->namespaceName(), QStringLiteral("bookinfo"));
    QVERIFY(window->meshPage()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(window->meshPage()->graphView()->nodeItemCount() > 3, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(window->connectionStatus()->prometheusLabel()->text().endsWith(u"Prometheus"), 60000);

    // Closing MeshDeck stops the cluster it started.
    const QString process = QStringLiteral("/proc/%1").arg(window->demoCluster()->processId());
    QVERIFY(QFile::exists(process));
    window.reset();
    QVERIFY(!QFile::exists(process));
}

QTEST_MAIN(TestWelcomePage)
#include "tst_welcomepage.moc"

// SPDX-License-Identifier: Apache-2.0
// The context picker: every context of the merged kubeconfig (the shared test data) with its server,
// user and namespace, checked in the background; against the real demo cluster it shows the latency,
// the identity and the namespaces the user may list. The toolbar switcher and the TLS badge.
#include "DemoClusterProcess.h"
#include "MainWindow.h"

#include "views/connect/ConnectionStatus.h"
#include "views/connect/ContextPickerDialog.h"
#include "views/connect/ContextSwitcher.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"
#include "models/session/ContextCatalog.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

namespace {
QString testdata(const char* name)
{
    return QStringLiteral(MESHDECK_SHARED_TESTDATA "/kubeconfigs/") + QLatin1String(name);
}

QString cell(const ContextCatalog& catalog, const QString& context, int column, int role = Qt::DisplayRole)
{
    return catalog.index(catalog.rowOf(context), column).data(role).toString();
}
} // namespace

class TestContextPicker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void catalogMergesLikeKubectl_data();
    void catalogMergesLikeKubectl();
    void unreachableContextsSayWhy();
    void demoClusterIsCheckedInTheBackground();
    void switcherAsksToSwitch();
    void tlsBadgeFollowsTheContext();

private:
    QTemporaryDir m_home;
    std::unique_ptr<DemoClusterProcess> m_cluster;
};

void TestContextPicker::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestContextPicker::init()
{
    qputenv("HOME", m_home.path().toLocal8Bit());
    qunsetenv("KUBECONFIG");
}

void TestContextPicker::catalogMergesLikeKubectl_data()
{
    QTest::addColumn<QString>("kubeconfig");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("namespaceName");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<QString>("current");
    const QString merged = testdata("merge-first.yaml") + u':' + testdata("merge-second.yaml");
    // team-b's cluster "other" is only in the second file; "shared" is the first file's, insecure.
    QTest::newRow("merged, first file wins") << merged << QStringLiteral("team-a") << QStringLiteral("https://first.example.com:6443")
                                             << QStringLiteral("alice") << QStringLiteral("default") << true
                                             << QStringLiteral("team-a");
    QTest::newRow("merged, second file's context") << merged << QStringLiteral("team-b") << QStringLiteral("https://other.example.com")
                                                   << QStringLiteral("alice") << QStringLiteral("payments") << false
                                                   << QStringLiteral("team-a");
    QTest::newRow("exec plugin, EKS") << testdata("cloud-exec-plugins.yaml") << QStringLiteral("eks-staging")
                                      << QStringLiteral("https://0123456789ABCDEF.gr7.eu-west-1.eks.example.com")
                                      << QStringLiteral("eks-user") << QStringLiteral("shop") << false << QStringLiteral("aks-prod");
    QTest::newRow("exec plugin, GKE, no namespace") << testdata("cloud-exec-plugins.yaml") << QStringLiteral("gke-dev")
                                                    << QStringLiteral("https://203.0.113.10") << QStringLiteral("gke-user")
                                                    << QStringLiteral("default") << false << QStringLiteral("aks-prod");
}

void TestContextPicker::catalogMergesLikeKubectl()
{
    QFETCH(QString, kubeconfig);
    QFETCH(QString, context);
    QFETCH(QString, server);
    QFETCH(QString, user);
    QFETCH(QString, namespaceName);
    QFETCH(bool, insecure);
    QFETCH(QString, current);
    qputenv("KUBECONFIG", kubeconfig.toLocal8Bit());
    ContextCatalog catalog;
    QAbstractItemModelTester tester(&catalog, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(catalog.load(), QString());
    QVERIFY(catalog.rowOf(context) >= 0);
    QCOMPARE(cell(catalog, context, ContextCatalog::ServerColumn), server);
    QCOMPARE(cell(catalog, context, ContextCatalog::UserColumn), user);
    QCOMPARE(cell(catalog, context, ContextCatalog::NamespaceColumn), namespaceName);
    QCOMPARE(catalog.index(catalog.rowOf(context), 0).data(ContextCatalog::InsecureRole).toBool(), insecure);
    QCOMPARE(catalog.currentContext(), current);
    QCOMPARE(catalog.index(catalog.rowOf(current), 0).data(ContextCatalog::CurrentRole).toBool(), true);
    QCOMPARE(cell(catalog, context, ContextCatalog::StatusColumn), QStringLiteral("checking…"));
    catalog.setReachability(context, Reachability{true, 12, {}, {}, QStringLiteral("alice"), true, {}, {}, false, false});
    QCOMPARE(cell(catalog, context, ContextCatalog::StatusColumn), QStringLiteral("reachable, 12 ms, as alice"));
}

void TestContextPicker::unreachableContextsSayWhy()
{
    qputenv("KUBECONFIG", (testdata("merge-first.yaml") + u':' + testdata("merge-second.yaml")).toLocal8Bit());
    ContextCatalog catalog;
    QCOMPARE(catalog.load(), QString());
    QCOMPARE(catalog.rowCount(), 2);
    ContextPickerDialog dialog(&catalog, {}, {});
    dialog.show();
    QCOMPARE(dialog.table()->model()->rowCount(), 2);
    QCOMPARE(dialog.chosenContext(), QStringLiteral("team-a"));
    QCOMPARE(dialog.chosenNamespace(), QStringLiteral("default"));
    // The made-up hosts do not resolve: each row says so, without freezing the dialog meanwhile.
    for (const QString& context : {QStringLiteral("team-a"), QStringLiteral("team-b")}) {
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, context, ContextCatalog::StatusColumn).startsWith(u"unreachable: "), 60000);
        QVERIFY2(cell(catalog, context, ContextCatalog::StatusColumn).contains(u"example.com"),
                 qPrintable(cell(catalog, context, ContextCatalog::StatusColumn)));
    }
    QVERIFY(dialog.namespaceNote()->text().contains(u"did not answer"));
    dialog.selectContext(QStringLiteral("team-b"));
    QCOMPARE(dialog.chosenNamespace(), QStringLiteral("payments"));
}

void TestContextPicker::demoClusterIsCheckedInTheBackground()
{
    ContextCatalog catalog;
    QCOMPARE(catalog.load(m_cluster->kubeconfigPath()), QString());
    QCOMPARE(catalog.contextNames(), (QStringList{QStringLiteral("meshdeck-demo"), QStringLiteral("meshdeck-demo-viewer"),
                                                  QStringLiteral("meshdeck-demo-bookinfo")}));
    ContextPickerDialog dialog(&catalog, QStringLiteral("meshdeck-demo-viewer"), {});
    dialog.show();
    QCOMPARE(dialog.chosenContext(), QStringLiteral("meshdeck-demo-viewer"));
    QTRY_VERIFY_WITH_TIMEOUT(catalog.reachability(QStringLiteral("meshdeck-demo-viewer")).has_value(), 30000);
    const Reachability viewer = *catalog.reachability(QStringLiteral("meshdeck-demo-viewer"));
    QVERIFY2(viewer.reachable, qPrintable(viewer.error));
    QVERIFY(viewer.latencyMs >= 0);
    QCOMPARE(viewer.identity, QStringLiteral("meshdeck-viewer"));
    QVERIFY(!viewer.prometheusReachable); // started without Prometheus
    QVERIFY(viewer.namespaces.contains(u"bookinfo"));
    QVERIFY(viewer.namespaces.contains(u"istio-system"));
    QVERIFY(cell(catalog, QStringLiteral("meshdeck-demo-viewer"), ContextCatalog::StatusColumn)
                .endsWith(u", as meshdeck-viewer; Prometheus unreachable"));
    QTRY_VERIFY(dialog.namespaceBox()->findText(QStringLiteral("istio-system")) >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(catalog.reachability(QStringLiteral("meshdeck-demo"))->identity, QStringLiteral("meshdeck-admin"), 30000);

    // The namespace-bound user may not list namespaces: only the context's own is offered, and the
    // note says why and that another may be typed.
    const QString bookinfo = QStringLiteral("meshdeck-demo-bookinfo");
    QTRY_VERIFY_WITH_TIMEOUT(catalog.reachability(bookinfo).has_value(), 30000);
    QCOMPARE(catalog.reachability(bookinfo)->identity, QStringLiteral("meshdeck-bookinfo"));
    QVERIFY(catalog.reachability(bookinfo)->namespacesFallback);
    QCOMPARE(catalog.reachability(bookinfo)->namespaces, QStringList{QStringLiteral("bookinfo")});
    dialog.selectContext(bookinfo);
    QCOMPARE(dialog.namespaceBox()->count(), 1);
    QVERIFY2(dialog.namespaceNote()->text().contains(u"may not list namespaces"), qPrintable(dialog.namespaceNote()->text()));
    dialog.selectContext(QStringLiteral("meshdeck-demo-viewer"));
    QTRY_VERIFY(dialog.namespaceBox()->findText(QStringLiteral("istio-system")) >= 0);

    // Typed namespace wins over the context's own.
    QTest::keyClicks(dialog.namespaceBox()->lineEdit(), QStringLiteral("-x"));
    QCOMPARE(dialog.chosenNamespace(), QStringLiteral("bookinfo-x"));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(dialog.connectButton(), Qt::LeftButton);
    QCOMPARE(accepted.count(), 1);
}

void TestContextPicker::switcherAsksToSwitch()
{
    ContextCatalog catalog;
    QCOMPARE(catalog.load(m_cluster->kubeconfigPath()), QString());
    ContextSwitcher switcher(&catalog);
    switcher.show();
    switcher.setCurrent(QStringLiteral("meshdeck-demo"), QStringLiteral("bookinfo"));
    switcher.setNamespaces({QStringLiteral("bookinfo"), QStringLiteral("default")});
    QSignalSpy asked(&switcher, &ContextSwitcher::switchRequested);
    Q_EMIT switcher.contextBox()->activated(catalog.rowOf(QStringLiteral("meshdeck-demo-viewer")));
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked.at(0).at(0).toString(), QStringLiteral("meshdeck-demo-viewer"));
    QCOMPARE(asked.at(0).at(1).toString(), QStringLiteral("bookinfo"));
    switcher.namespaceBox()->lineEdit()->selectAll();
    QTest::keyClicks(switcher.namespaceBox()->lineEdit(), QStringLiteral("istio-system"));
    QTest::keyClick(switcher.namespaceBox()->lineEdit(), Qt::Key_Return);
    QVERIFY(asked.count() >= 2);
    QCOMPARE(asked.last().at(1).toString(), QStringLiteral("istio-system"));
}

void TestContextPicker::tlsBadgeFollowsTheContext()
{
    qputenv("KUBECONFIG", (testdata("merge-first.yaml") + u':' + testdata("merge-second.yaml")).toLocal8Bit());
    AuditLog audit(m_home.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(QStringLiteral("team-a")));
    QVERIFY(window.connectionStatus()->insecureBadge()->isVisible());
    QVERIFY(window.connectionStatus()->contextLabel()->text().startsWith(u"team-a"));
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionStatus()->apiLabel()->text().endsWith(u"API unreachable"), 60000);
    QVERIFY(window.connectTo(QStringLiteral("team-b")));
    QVERIFY(!window.connectionStatus()->insecureBadge()->isVisible());
    QCOMPARE(window.session()->namespaceName(), QStringLiteral("payments"));
}

QTEST_MAIN(TestContextPicker)
#include "tst_contextpicker.moc"

// SPDX-License-Identifier: Apache-2.0
// A namespace-scoped user may not reach Prometheus through the API server's service proxy in
// istio-system. Pointed at a Prometheus it can reach (here the demo cluster's own, as a port-forward
// would offer it), MeshDeck shows live numbers where it said "Prometheus not permitted"; the URL is
// remembered for that context only, and --prometheus-url sets one for a run without remembering it.
#include "DemoClusterProcess.h"
#include "MainWindow.h"

#include "views/connect/ConnectionStatus.h"
#include "views/connect/ContextPickerDialog.h"
#include "views/graph/GraphView.h"
#include "views/pages/MeshPage.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"
#include "models/session/ContextCatalog.h"

#include <QAction>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <optional>

class TestPrometheusUrl : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bookinfoUserSetsAPrometheusItCanReach();
    void urlIsRememberedForThatContextOnly();
    void commandLineUrlIsForThisRunOnly();
    void unusableUrlChangesNothing_data();
    void unusableUrlChangesNothing();

private:
    std::unique_ptr<DemoClusterProcess> m_cluster;
    QTemporaryDir m_dir;
};

namespace {
const QString BookinfoContext = QStringLiteral("meshdeck-demo-bookinfo");
const QString AdminContext = QStringLiteral("meshdeck-demo");
} // namespace

void TestPrometheusUrl::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
    QVERIFY(m_cluster->prometheusUrl().startsWith(u"http://127.0.0.1:"));
    // QSettings (the remembered URL) and kubectl's cache in a scratch home.
    qputenv("HOME", m_dir.path().toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("KUBECONFIG", m_cluster->kubeconfigPath().toLocal8Bit());
    QCoreApplication::setOrganizationName(QStringLiteral("MeshDeckTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_prometheusurl"));
}

void TestPrometheusUrl::bookinfoUserSetsAPrometheusItCanReach()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(BookinfoContext));
    QCOMPARE(window.session()->prometheusUrl(), QString());

    // Through the API server it may not: the status bar says so, with the way out.
    ConnectionStatus* status = window.connectionStatus();
    QTRY_VERIFY_WITH_TIMEOUT(status->prometheusLabel()->text().contains(u"not permitted"), 30000);
    QVERIFY2(status->prometheusLabel()->text().contains(u"Set URL…"), qPrintable(status->prometheusLabel()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->telemetryPanel()->bannerText().startsWith(u"Telemetry is not shown"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(status->restrictionsBadge()->toolTip().contains(u"services/proxy in namespace istio-system"), 30000);
    QVERIFY(!window.meshPage()->showsLiveData());

    // The link opens the dialog (as the Cluster menu's action does); the operator types the URL.
    Q_EMIT status->prometheusLabel()->linkActivated(QStringLiteral("prometheus-url"));
    QInputDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<QInputDialog*>()) != nullptr && dialog->isVisible());
    QCOMPARE(dialog->textValue(), QString());
    dialog->setTextValue(m_cluster->prometheusUrl());
    dialog->accept();

    // A new session queries that Prometheus: live numbers on the graph and the charts.
    QTRY_COMPARE(window.session()->prometheusUrl(), m_cluster->prometheusUrl());
    QCOMPARE(window.session()->contextName(), BookinfoContext);
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->showsLiveData(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(status->prometheusLabel()->text().contains(u"Prometheus (direct)"), 30000);
    QVERIFY2(status->prometheusLabel()->toolTip().contains(m_cluster->prometheusUrl()), qPrintable(status->prometheusLabel()->toolTip()));
    QCOMPARE(window.meshPage()->telemetryPanel()->bannerText(), QString());
    // The service proxy is no longer needed, so no longer listed as missing; the rest still is.
    QTRY_VERIFY_WITH_TIMEOUT(status->restrictionsBadge()->isVisible(), 30000);
    const QString why = status->restrictionsBadge()->toolTip();
    QVERIFY2(!why.contains(u"services/proxy"), qPrintable(why));
    QVERIFY2(why.contains(u"may not list namespaces cluster-wide"), qPrintable(why));
    QCOMPARE(status->restrictionsBadge()->menu()->actions().size(), 2);
}

void TestPrometheusUrl::urlIsRememberedForThatContextOnly()
{
    // Follows the previous case, which set the URL for the bookinfo context.
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(BookinfoContext));
    QCOMPARE(window.session()->prometheusUrl(), m_cluster->prometheusUrl());
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->showsLiveData(), 60000);
    // The context picker checks each context where its session would query: the bookinfo context at
    // its URL (reachable), the admin's through the service proxy (reachable, the admin may use it).
    const auto picked = [&window](const QString& context) {
        window.contexts()->setReachability(context, {}); // forget what an earlier picker found
        window.openContextPicker();
        const bool checked = QTest::qWaitFor([&] { return window.contexts()->reachability(context)->reachable; }, 30000);
        const Reachability found = *window.contexts()->reachability(context);
        for (ContextPickerDialog* picker : window.findChildren<ContextPickerDialog*>())
            picker->reject(); // and deleted: its probes with it
        return checked ? std::optional<Reachability>(found) : std::nullopt;
    };
    const auto status = [&window](const QString& context) {
        return window.contexts()->index(window.contexts()->rowOf(context), ContextCatalog::StatusColumn).data().toString();
    };
    for (const QString& context : {BookinfoContext, AdminContext}) {
        const auto found = picked(context);
        QVERIFY2(found, qPrintable(context));
        QVERIFY2(found->prometheusReachable, qPrintable(context + u": " + found->prometheusError));
        QVERIFY2(!status(context).contains(u"Prometheus"), qPrintable(status(context)));
    }

    // The admin's context keeps the service proxy, which it may use.
    QVERIFY(window.connectTo(AdminContext));
    QCOMPARE(window.session()->prometheusUrl(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionStatus()->prometheusLabel()->text().endsWith(u"Prometheus"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->showsLiveData(), 60000);

    // Emptied in the dialog: back to the proxy, and forgotten.
    QVERIFY(window.connectTo(BookinfoContext));
    QCOMPARE(window.rememberPrometheusUrl(QString()), QString());
    QCOMPARE(window.session()->prometheusUrl(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionStatus()->prometheusLabel()->text().contains(u"not permitted"), 30000);
    QCOMPARE(window.prometheusUrlFor(BookinfoContext), QString());
    // And the picker asks through the proxy again, which refuses this user.
    const auto found = picked(BookinfoContext);
    QVERIFY(found);
    QVERIFY(!found->prometheusReachable);
    QVERIFY2(found->prometheusForbidden, qPrintable(found->prometheusError));
    QVERIFY2(status(BookinfoContext).endsWith(u"; Prometheus not permitted"), qPrintable(status(BookinfoContext)));
}

void TestPrometheusUrl::commandLineUrlIsForThisRunOnly()
{
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    {
        MainWindow window(&audit);
        QVERIFY(window.openKubeconfig());
        // As `meshdeck --context meshdeck-demo-bookinfo --prometheus-url URL` does before connecting.
        window.setPrometheusUrlForRun(BookinfoContext, m_cluster->prometheusUrl());
        QVERIFY(window.connectTo(BookinfoContext));
        QCOMPARE(window.session()->prometheusUrl(), m_cluster->prometheusUrl());
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.meshPage()->showsLiveData(), 60000);
    }
    MainWindow next(&audit);
    QVERIFY(next.openKubeconfig());
    QVERIFY(next.connectTo(BookinfoContext));
    QCOMPARE(next.session()->prometheusUrl(), QString());
}

void TestPrometheusUrl::unusableUrlChangesNothing_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("problem");
    QTest::newRow("no scheme") << QStringLiteral("127.0.0.1:9090") << QStringLiteral("is not an http or https URL");
    QTest::newRow("not http") << QStringLiteral("ftp://prometheus.example") << QStringLiteral("is not an http or https URL");
    QTest::newRow("no host") << QStringLiteral("http://") << QStringLiteral("is not an http or https URL");
    QTest::newRow("credentials") << QStringLiteral("https://ops:s3cret@prometheus.example")
                                 << QStringLiteral("keeps no Prometheus credentials");
    QTest::newRow("a query") << QStringLiteral("http://127.0.0.1:9090/graph?g0.expr=up") << QStringLiteral("query or fragment");
}

void TestPrometheusUrl::unusableUrlChangesNothing()
{
    QFETCH(QString, url);
    QFETCH(QString, problem);
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    QVERIFY(window.openKubeconfig());
    QVERIFY(window.connectTo(BookinfoContext));
    const ClusterSession* before = window.session();
    const QString said = window.rememberPrometheusUrl(url);
    QVERIFY2(said.contains(problem), qPrintable(said));
    QVERIFY(!said.contains(u"s3cret"));
    QCOMPARE(window.session(), before); // not reconnected
    QCOMPARE(window.prometheusUrlFor(BookinfoContext), QString());
}

QTEST_MAIN(TestPrometheusUrl)
#include "tst_prometheusurl.moc"

// SPDX-License-Identifier: Apache-2.0
#include "UnreachableCluster.h"

#include "views/graph/GraphPanel.h"
#include "views/pages/MeshPage.h"
#include "views/shell/ThemeController.h"
#include "views/shell/WindowShell.h"
#include "views/shell/WindowStateStore.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include <QFile>
#include <QMainWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

namespace {

const char Token[] = "eyJhbGciOiJSUzI1NiJ9.secret-bearer-token";
const char KeyPem[] = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-secret-key\n-----END PRIVATE KEY-----\n";
const char CertPem[] = "-----BEGIN CERTIFICATE-----\nMIIC-client-certificate\n-----END CERTIFICATE-----\n";

// A context with every kind of secret a kubeconfig holds.
kube::ClusterConnection securedCluster(const std::string& context)
{
    kube::ClusterConnection connection = unreachableCluster();
    connection.contextName = context;
    connection.userName = "admin";
    connection.bearerToken = Token;
    connection.clientKeyPem = KeyPem;
    connection.clientCertPem = CertPem;
    connection.caPem = CertPem;
    return connection;
}

} // namespace

class TestWindowStateStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void layoutRoundTrip();
    void preferencesPerContext_data();
    void preferencesPerContext();
    void shellRestoresWhatItSaved();
    void noSecretIsWritten();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString settingsFile() const { return m_dir->filePath(QStringLiteral("meshdeck.conf")); }
};

void TestWindowStateStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestWindowStateStore::layoutRoundTrip()
{
    const auto build = [](QMainWindow& window, QSplitter*& splitter, QTabWidget*& tabs) {
        auto* page = new QWidget;
        splitter = new QSplitter(page);
        splitter->addWidget(new QWidget);
        splitter->addWidget(new QWidget);
        tabs = new QTabWidget;
        tabs->addTab(new QWidget, QStringLiteral("Traffic"));
        tabs->addTab(new QWidget, QStringLiteral("Details"));
        splitter->addWidget(tabs);
        splitter->resize(900, 400);
        window.setCentralWidget(page);
        window.resize(1000, 600);
        return page;
    };
    QSettings settings(settingsFile(), QSettings::IniFormat);
    WindowStateStore store(settings);
    QList<int> savedSizes;
    {
        QMainWindow window;
        QSplitter* splitter = nullptr;
        QTabWidget* tabs = nullptr;
        QWidget* page = build(window, splitter, tabs);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        splitter->setSizes({500, 100, 300});
        tabs->setCurrentIndex(1);
        savedSizes = splitter->sizes();
        store.saveWindow(window);
        store.savePanels(*page);
    }
    QMainWindow window;
    QSplitter* splitter = nullptr;
    QTabWidget* tabs = nullptr;
    QWidget* page = build(window, splitter, tabs);
    QVERIFY(store.restoreWindow(window));
    store.restorePanels(*page);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(tabs->currentIndex(), 1);
    QCOMPARE(splitter->sizes(), savedSizes);
    QCOMPARE(window.size(), QSize(1000, 600));

    QSettings empty(m_dir->filePath(QStringLiteral("empty.conf")), QSettings::IniFormat);
    QVERIFY(!WindowStateStore(empty).restoreWindow(window));
}

void TestWindowStateStore::preferencesPerContext_data()
{
    QTest::addColumn<QString>("context");
    QTest::newRow("plain") << QStringLiteral("meshdeck-demo");
    QTest::newRow("EKS ARN") << QStringLiteral("arn:aws:eks:eu-west-1:123456789012:cluster/prod");
    QTest::newRow("slashes and backslash") << QStringLiteral("team/a\\b@gke_proj_zone_c");
}

void TestWindowStateStore::preferencesPerContext()
{
    QFETCH(QString, context);
    QSettings settings(settingsFile(), QSettings::IniFormat);
    WindowStateStore store(settings);
    QCOMPARE(store.preferences(context).graphKind, QStringLiteral("versioned-app")); // defaults
    store.savePreferences(context, {QStringLiteral("workload"), 4, 3600, {QStringLiteral("bookinfo"), QStringLiteral("shop")}});
    store.savePreferences(QStringLiteral("other"), {QStringLiteral("service"), 2, 900, {}});
    QCOMPARE(store.prometheusUrl(context), QString());
    store.setPrometheusUrl(context, QStringLiteral("http://127.0.0.1:9090"));
    // The window writes a context's preferences whole on leaving its page: the URL stays.
    store.savePreferences(context, {QStringLiteral("workload"), 4, 3600, {QStringLiteral("bookinfo"), QStringLiteral("shop")}});
    settings.sync();

    QSettings reread(settingsFile(), QSettings::IniFormat);
    const ContextPreferences mine = WindowStateStore(reread).preferences(context);
    QCOMPARE(mine.graphKind, QStringLiteral("workload"));
    QCOMPARE(mine.edgeLabel, 4);
    QCOMPARE(mine.chartWindowSeconds, 3600);
    QCOMPARE(mine.graphNamespaces, QStringList({QStringLiteral("bookinfo"), QStringLiteral("shop")}));
    QCOMPARE(WindowStateStore(reread).preferences(QStringLiteral("other")).graphKind, QStringLiteral("service"));
    QCOMPARE(WindowStateStore(reread).prometheusUrl(context), QStringLiteral("http://127.0.0.1:9090"));
    QCOMPARE(WindowStateStore(reread).prometheusUrl(QStringLiteral("other")), QString());
    WindowStateStore(reread).setPrometheusUrl(context, QString());
    QVERIFY(!reread.allKeys().join(u' ').contains(u"prometheusUrl"));
}

void TestWindowStateStore::shellRestoresWhatItSaved()
{
    AuditLog audit(m_dir->filePath(QStringLiteral("audit.jsonl")));
    QSettings settings(settingsFile(), QSettings::IniFormat);
    {
        ClusterSession session(securedCluster("prod"));
        QMainWindow window;
        auto* page = new MeshPage(&session, &audit);
        window.setCentralWidget(page);
        WindowShell shell(&window, page, QStringLiteral("prod"), &settings);
        page->graphPanel()->setGraphKind(GraphKind::Workload);
        page->graphPanel()->setEdgeLabel(EdgeLabel::LatencyP95);
        page->telemetryPanel()->setWindowSeconds(3600);
        page->sidePanel()->setCurrentIndex(1);
        shell.save();
    }
    ClusterSession session(securedCluster("prod"));
    QMainWindow window;
    auto* page = new MeshPage(&session, &audit);
    window.setCentralWidget(page);
    WindowShell shell(&window, page, QStringLiteral("prod"), &settings);
    QCOMPARE(page->graphPanel()->options().kind, GraphKind::Workload);
    QCOMPARE(page->graphPanel()->edgeLabel(), EdgeLabel::LatencyP95);
    QCOMPARE(page->telemetryPanel()->windowSeconds(), 3600);
    QCOMPARE(page->sidePanel()->currentIndex(), 1);

    // Another context starts from the defaults.
    ClusterSession other(securedCluster("staging"));
    auto* otherPage = new MeshPage(&other, &audit);
    shell.savePage();
    shell.setPage(otherPage, QStringLiteral("staging"));
    QCOMPARE(otherPage->graphPanel()->options().kind, GraphKind::VersionedApp);
    QCOMPARE(otherPage->telemetryPanel()->windowSeconds(), 300);
    delete otherPage;
}

void TestWindowStateStore::noSecretIsWritten()
{
    AuditLog audit(m_dir->filePath(QStringLiteral("audit.jsonl")));
    ClusterSession session(securedCluster("prod/admin"));
    {
        QSettings settings(settingsFile(), QSettings::IniFormat);
        QMainWindow window;
        auto* page = new MeshPage(&session, &audit);
        window.setCentralWidget(page);
        WindowShell shell(&window, page, session.contextName(), &settings);
        shell.themeController()->choose(Theme::Dark); // remembered too
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.close(); // saves, as on quitting
    }
    QFile file(settingsFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    QVERIFY(!written.isEmpty());
    for (const QByteArray& secret : {QByteArray(Token), QByteArray("secret-bearer-token"), QByteArray("secret-key"),
                                     QByteArray("PRIVATE KEY"), QByteArray("CERTIFICATE"), QByteArray("client-certificate"),
                                     QByteArray("127.0.0.1"), QByteArray("admin@")})
        QVERIFY2(!written.contains(secret), secret.constData());

    // And nothing but the keys the store is made to write.
    QSettings settings(settingsFile(), QSettings::IniFormat);
    static const QRegularExpression allowed(QStringLiteral(
        "^(window/(geometry|state)|appearance/theme|panels/(splitter|tabs)\\d+|"
        "contexts/[^/]+/(graphKind|edgeLabel|chartWindowSeconds|graphNamespaces|prometheusUrl))$"));
    const QStringList keys = settings.allKeys();
    QVERIFY(keys.contains(QStringLiteral("window/geometry")));
    QVERIFY(keys.contains(QStringLiteral("contexts/prod%2Fadmin/graphKind")));
    QVERIFY(keys.contains(QStringLiteral("appearance/theme")));
    for (const QString& key : keys)
        QVERIFY2(allowed.match(key).hasMatch(), qPrintable(key));
}

QTEST_MAIN(TestWindowStateStore)
#include "tst_windowstatestore.moc"

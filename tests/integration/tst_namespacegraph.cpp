// SPDX-License-Identifier: Apache-2.0
// The graph of several namespaces for a user without cluster-wide rights, on the real demo cluster:
// `meshdeck-bookinfo` may read namespace bookinfo only. The loader lists per namespace, shows
// bookinfo and leaves the rest out with the API server's reason (as `kubectl auth can-i` agrees),
// and the mesh page says so in one quiet line, offering "Add namespace…" since it may not list them.
#include "DemoClusterProcess.h"

#include "views/graph/GraphPanel.h"
#include "views/graph/GraphView.h"
#include "views/pages/MeshPage.h"

#include "models/audit/AuditLog.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"

#include <QApplication>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestNamespaceGraph : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void loaderLeavesOutWhatTheUserMayNotRead_data();
    void loaderLeavesOutWhatTheUserMayNotRead();
    void pageSaysWhatIsHiddenQuietly();
    void cleanupTestCase();

private:
    QString canI(const QString& context, const QString& namespaceName);

    std::unique_ptr<DemoClusterProcess> m_cluster;
};

namespace {
constexpr const char* Restricted = "meshdeck-demo-bookinfo";
}

void TestNamespaceGraph::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>();
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestNamespaceGraph::cleanupTestCase()
{
    m_cluster.reset();
}

QString TestNamespaceGraph::canI(const QString& context, const QString& namespaceName)
{
    QProcess kubectl;
    kubectl.start(QStringLiteral("kubectl"), {QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(), QStringLiteral("--context"),
                                              context, QStringLiteral("auth"), QStringLiteral("can-i"), QStringLiteral("list"),
                                              QStringLiteral("services"), QStringLiteral("-n"), namespaceName});
    kubectl.waitForFinished(30000);
    return QString::fromLocal8Bit(kubectl.readAllStandardOutput()).trimmed();
}

void TestNamespaceGraph::loaderLeavesOutWhatTheUserMayNotRead_data()
{
    QTest::addColumn<QString>("context");
    QTest::addColumn<QStringList>("shown");
    QTest::addColumn<QStringList>("hidden");
    const QStringList asked{QStringLiteral("bookinfo"), QStringLiteral("payments")};
    QTest::newRow("bookinfo's operator") << QString::fromLatin1(Restricted) << QStringList{QStringLiteral("bookinfo")}
                                         << QStringList{QStringLiteral("payments")};
    // The administrator reads both; an empty namespace is a namespace without services, not an error.
    QTest::newRow("administrator") << QString() << asked << QStringList{};
}

void TestNamespaceGraph::loaderLeavesOutWhatTheUserMayNotRead()
{
    QFETCH(QString, context);
    QFETCH(QStringList, shown);
    QFETCH(QStringList, hidden);
    const std::unique_ptr<ClusterSession> session = m_cluster->session(context.toStdString());
    QVERIFY(session);
    MeshTopologyLoader loader(session.get());
    QSignalSpy loaded(&loader, &MeshTopologyLoader::topologyAvailable);
    QSignalSpy failed(&loader, &MeshTopologyLoader::loadFailed);
    loader.setNamespaces({QStringLiteral("bookinfo"), QStringLiteral("payments")});
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QCOMPARE(failed.count(), 0); // a forbidden namespace is left out, not a failed load

    const auto topologies = loaded.first().first().value<MeshTopologies>();
    QCOMPARE(topologies.namespaceNames(), shown);
    const MeshTopology* bookinfo = topologies.find(QStringLiteral("bookinfo"));
    QVERIFY(bookinfo);
    QCOMPARE(bookinfo->services.size(), 4);
    QCOMPARE(bookinfo->workloads.size(), 6);
    QCOMPARE(bookinfo->virtualServices.size(), 4);
    QStringList hiddenNamespaces;
    for (const HiddenPart& part : topologies.hidden) {
        hiddenNamespaces.append(part.namespaceName);
        QVERIFY2(part.kind.isEmpty(), qPrintable(part.describe())); // the whole namespace, not one kind
        // The server's own words: what was refused, to whom.
        QVERIFY2(part.reason.contains(QStringLiteral("forbidden")) && part.reason.contains(QStringLiteral("meshdeck-bookinfo"))
                     && part.reason.contains(QStringLiteral("payments")),
                 qPrintable(part.reason));
    }
    QCOMPARE(hiddenNamespaces, hidden);
    // kubectl, asked the same question as that user, agrees.
    const QString kubectlContext = context.isEmpty() ? QStringLiteral("meshdeck-demo") : context;
    QCOMPARE(canI(kubectlContext, QStringLiteral("bookinfo")), QStringLiteral("yes"));
    QCOMPARE(canI(kubectlContext, QStringLiteral("payments")), hidden.isEmpty() ? QStringLiteral("yes") : QStringLiteral("no"));
}

void TestNamespaceGraph::pageSaysWhatIsHiddenQuietly()
{
    const std::unique_ptr<ClusterSession> session = m_cluster->session(Restricted);
    QVERIFY(session);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(session.get(), &audit);
    page.resize(1400, 800);
    page.show();
    GraphPanel* panel = page.graphPanel();
    panel->setShowIdle(true); // no Prometheus here: the services show without traffic
    QCOMPARE(panel->namespaces(), QStringList{QStringLiteral("bookinfo")});

    // This user may not list namespaces: the chooser says so and offers to add one by name.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QList<QAction*> actions = panel->namespaceMenu()->actions();
            return std::any_of(actions.cbegin(), actions.cend(), [](const QAction* a) {
                return a->text().contains(QStringLiteral("may not list")) && !a->isEnabled();
            });
        }(),
        30000);
    QVERIFY(panel->addNamespace(QStringLiteral("payments")));
    QTRY_VERIFY_WITH_TIMEOUT(panel->hiddenText().startsWith(QStringLiteral("Hidden: namespace payments — ")), 30000);
    QVERIFY2(panel->hiddenText().contains(QStringLiteral("forbidden")), qPrintable(panel->hiddenText()));
    QTRY_VERIFY_WITH_TIMEOUT(page.graphView()->nodeItem(QStringLiteral("svc:bookinfo/reviews")), 30000);
    QVERIFY(!page.graphView()->nodeItem(QStringLiteral("svc:payments/reviews")));
    QVERIFY(!QApplication::activeModalWidget()); // said in a line, never an error box

    // Back to bookinfo alone: nothing is hidden any more.
    panel->setNamespaces({QStringLiteral("bookinfo")});
    QTRY_VERIFY_WITH_TIMEOUT(panel->hiddenText().isEmpty(), 30000);
}

QTEST_MAIN(TestNamespaceGraph)
#include "tst_namespacegraph.moc"

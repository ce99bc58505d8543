// SPDX-License-Identifier: Apache-2.0
// The namespaces a graph shows are remembered per context: a page of the same context comes back
// with them, another context starts from its own namespace, and so does a switch to a namespace
// the remembered set does not hold.
#include "UnreachableCluster.h"

#include "views/graph/GraphPanel.h"
#include "views/pages/MeshPage.h"
#include "views/shell/WindowShell.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include <QMainWindow>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

class TestGraphNamespaces : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rememberedPerContext();
};

namespace {

kube::ClusterConnection clusterIn(const std::string& namespaceName)
{
    kube::ClusterConnection c = unreachableCluster();
    c.namespaceName = namespaceName;
    return c;
}

} // namespace

void TestGraphNamespaces::rememberedPerContext()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("meshdeck.conf")), QSettings::IniFormat);
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    ClusterSession bookinfo(clusterIn("bookinfo"));
    QMainWindow window;
    auto* page = new MeshPage(&bookinfo, &audit);
    WindowShell shell(&window, page, QStringLiteral("prod"), &settings);
    QCOMPARE(page->graphPanel()->namespaces(), QStringList{QStringLiteral("bookinfo")}); // the context's own at first
    const QStringList chosen{QStringLiteral("bookinfo"), QStringLiteral("payments"), QStringLiteral("shop")};
    page->graphPanel()->setNamespaces(chosen);
    shell.savePage();
    delete page;

    // The same context again: the same namespaces.
    page = new MeshPage(&bookinfo, &audit);
    shell.setPage(page, QStringLiteral("prod"));
    QCOMPARE(page->graphPanel()->namespaces(), chosen);
    shell.savePage();
    delete page;

    // Another context: its own namespace only.
    page = new MeshPage(&bookinfo, &audit);
    shell.setPage(page, QStringLiteral("staging"));
    QCOMPARE(page->graphPanel()->namespaces(), QStringList{QStringLiteral("bookinfo")});
    delete page;

    // The same context switched to a namespace the set does not hold: that namespace alone.
    ClusterSession mesh(clusterIn("mesh"));
    page = new MeshPage(&mesh, &audit);
    shell.setPage(page, QStringLiteral("prod"));
    QCOMPARE(page->graphPanel()->namespaces(), QStringList{QStringLiteral("mesh")});
    delete page;
    // One the set holds brings the set back.
    ClusterSession payments(clusterIn("payments"));
    page = new MeshPage(&payments, &audit);
    shell.setPage(page, QStringLiteral("prod"));
    QCOMPARE(page->graphPanel()->namespaces(), chosen);
    delete page;
}

QTEST_MAIN(TestGraphNamespaces)
#include "tst_graphnamespaces.moc"

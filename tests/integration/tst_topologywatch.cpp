// SPDX-License-Identifier: Apache-2.0
// The topology follows the cluster by watch, on the real demo cluster: changes made with the real
// kubectl (scale, apply, delete) reach the published topology without a single list after the
// first ones, and a namespace added to the selection is listed on its own while the others keep
// their caches.
#include "DemoClusterProcess.h"

#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

class TestTopologyWatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void kubectlChangesArriveByWatch();
    void addedNamespaceLeavesTheOthersAlone();
    void aBurstIsOnePublish();
    void cleanupTestCase();

private:
    // kubectl against the demo cluster as its administrator; its output, or a failure with stderr.
    bool kubectl(const QStringList& arguments, const QByteArray& input = {});
    QString m_kubectlError;
    std::unique_ptr<DemoClusterProcess> m_cluster;
};

namespace {

MeshTopologies latest(const QSignalSpy& spy)
{
    return spy.isEmpty() ? MeshTopologies() : spy.last().first().value<MeshTopologies>();
}

const MeshWorkload* workload(const MeshTopologies& topologies, const QString& name)
{
    const MeshTopology* bookinfo = topologies.find(QStringLiteral("bookinfo"));
    if (!bookinfo)
        return nullptr;
    const auto it = std::find_if(bookinfo->workloads.cbegin(), bookinfo->workloads.cend(),
                                 [&](const MeshWorkload& w) { return w.name == name; });
    return it == bookinfo->workloads.cend() ? nullptr : &*it;
}

int replicas(const MeshTopologies& topologies, const QString& name, bool ready)
{
    const MeshWorkload* w = workload(topologies, name);
    return !w ? -1 : ready ? w->readyPods : w->desiredReplicas;
}

QStringList virtualServiceNames(const MeshTopologies& topologies)
{
    QStringList names;
    if (const MeshTopology* bookinfo = topologies.find(QStringLiteral("bookinfo"))) {
        for (const MeshVirtualService& vs : bookinfo->virtualServices)
            names.append(vs.name);
    }
    return names;
}

} // namespace

void TestTopologyWatch::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>();
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestTopologyWatch::cleanupTestCase()
{
    m_cluster.reset();
}

bool TestTopologyWatch::kubectl(const QStringList& arguments, const QByteArray& input)
{
    QProcess process;
    process.start(QStringLiteral("kubectl"),
                  QStringList{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(), QStringLiteral("-n"), QStringLiteral("bookinfo")}
                      + arguments);
    if (!input.isEmpty()) {
        process.write(input);
        process.closeWriteChannel();
    }
    process.waitForFinished(60000);
    m_kubectlError = QString::fromLocal8Bit(process.readAllStandardError());
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void TestTopologyWatch::kubectlChangesArriveByWatch()
{
    const std::unique_ptr<ClusterSession> session = m_cluster->session();
    QVERIFY(session);
    MeshTopologyLoader loader(session.get());
    QSignalSpy loaded(&loader, &MeshTopologyLoader::topologyAvailable);
    QSignalSpy failed(&loader, &MeshTopologyLoader::loadFailed);
    loader.setNamespaces({QStringLiteral("bookinfo")});
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
    QCOMPARE(replicas(latest(loaded), QStringLiteral("reviews-v1"), false), 1);
    QTRY_COMPARE_WITH_TIMEOUT(replicas(latest(loaded), QStringLiteral("reviews-v1"), true), 1, 30000);
    // One list per kind, and from here on only watches.
    const int lists = loader.listCount();
    QCOMPARE(lists, 6);

    // Scaled (by patch: the demo cluster has no scale subresource): the Deployment's new size, then
    // its pods as the controller makes them ready.
    QVERIFY2(kubectl({QStringLiteral("patch"), QStringLiteral("deployment/reviews-v1"), QStringLiteral("--type=merge"), QStringLiteral("-p"),
                      QStringLiteral(R"({"spec":{"replicas":3}})")}),
             qPrintable(m_kubectlError));
    QTRY_COMPARE_WITH_TIMEOUT(replicas(latest(loaded), QStringLiteral("reviews-v1"), false), 3, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(replicas(latest(loaded), QStringLiteral("reviews-v1"), true), 3, 60000);

    // A VirtualService applied, changed and deleted.
    const auto manifest = [](const char* host) {
        return QByteArray::fromStdString(
            nlohmann::json{{"apiVersion", "networking.istio.io/v1"},
                           {"kind", "VirtualService"},
                           {"metadata", {{"name", "details-canary"}}},
                           {"spec", {{"hosts", {host}}, {"http", {{{"route", {{{"destination", {{"host", "details"}}}}}}}}}}}}
                .dump());
    };
    QVERIFY2(kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, manifest("details")), qPrintable(m_kubectlError));
    QTRY_VERIFY_WITH_TIMEOUT(virtualServiceNames(latest(loaded)).contains(u"details-canary"), 30000);
    QVERIFY2(kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, manifest("details.bookinfo.svc.cluster.local")),
             qPrintable(m_kubectlError));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const MeshTopology* bookinfo = latest(loaded).find(QStringLiteral("bookinfo"));
            return bookinfo
                   && std::any_of(bookinfo->virtualServices.cbegin(), bookinfo->virtualServices.cend(), [](const MeshVirtualService& vs) {
                          return vs.name == u"details-canary" && vs.hosts == QStringList{QStringLiteral("details.bookinfo.svc.cluster.local")};
                      });
        }(),
        30000);
    QVERIFY2(kubectl({QStringLiteral("delete"), QStringLiteral("virtualservice"), QStringLiteral("details-canary")}),
             qPrintable(m_kubectlError));
    QTRY_VERIFY_WITH_TIMEOUT(!virtualServiceNames(latest(loaded)).contains(u"details-canary"), 30000);

    // All of it came by watch: not one list more.
    QCOMPARE(loader.listCount(), lists);
    QCOMPARE(failed.count(), 0);
    QVERIFY(kubectl({QStringLiteral("patch"), QStringLiteral("deployment/reviews-v1"), QStringLiteral("--type=merge"), QStringLiteral("-p"),
                     QStringLiteral(R"({"spec":{"replicas":1}})")}));
}

void TestTopologyWatch::addedNamespaceLeavesTheOthersAlone()
{
    const std::unique_ptr<ClusterSession> session = m_cluster->session();
    QVERIFY(session);
    MeshTopologyLoader loader(session.get());
    QSignalSpy loaded(&loader, &MeshTopologyLoader::topologyAvailable);
    loader.setNamespaces({QStringLiteral("bookinfo")});
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
    const MeshTopology* before = latest(loaded).find(QStringLiteral("bookinfo"));
    QVERIFY(before && !before->virtualServices.isEmpty());
    const RawObject reviews = before->virtualServiceFor(QStringLiteral("reviews"))->raw;
    QVERIFY(reviews);

    loader.setNamespaces({QStringLiteral("bookinfo"), QStringLiteral("payments")});
    QTRY_COMPARE_WITH_TIMEOUT(latest(loaded).namespaceNames(), (QStringList{QStringLiteral("bookinfo"), QStringLiteral("payments")}), 30000);
    // bookinfo's objects are the very ones its cache held: neither listed again nor copied.
    const MeshTopology* after = latest(loaded).find(QStringLiteral("bookinfo"));
    QVERIFY(after);
    QCOMPARE(after->virtualServiceFor(QStringLiteral("reviews"))->raw.get(), reviews.get());
    QCOMPARE(loader.listCount(), 12); // bookinfo's six lists and payments' six

    // Taken away again: published without it, still without a list.
    const qsizetype publishes = loaded.count();
    loader.setNamespaces({QStringLiteral("bookinfo")});
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > publishes, 30000);
    QCOMPARE(latest(loaded).namespaceNames(), QStringList{QStringLiteral("bookinfo")});
    QCOMPARE(latest(loaded).find(QStringLiteral("bookinfo"))->virtualServiceFor(QStringLiteral("reviews"))->raw.get(), reviews.get());
    QCOMPARE(loader.listCount(), 6);
}

void TestTopologyWatch::aBurstIsOnePublish()
{
    const std::unique_ptr<ClusterSession> session = m_cluster->session();
    QVERIFY(session);
    MeshTopologyLoader loader(session.get());
    QSignalSpy loaded(&loader, &MeshTopologyLoader::topologyAvailable);
    loader.setNamespaces({QStringLiteral("bookinfo")});
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
    const qsizetype before = virtualServiceNames(latest(loaded)).size();

    // Five VirtualServices in one kubectl apply: five writes, five watch events. kubectl and the
    // pause after it block this thread, so every event waits in its queue and arrives in a row.
    std::string manifests; // one JSON object after another, as kubectl reads a stream
    for (int i = 0; i < 5; ++i) {
        const std::string name = "burst-" + std::to_string(i);
        manifests += nlohmann::json{{"apiVersion", "networking.istio.io/v1"},
                                    {"kind", "VirtualService"},
                                    {"metadata", {{"name", name}}},
                                    {"spec", {{"hosts", {name}}, {"http", {{{"route", {{{"destination", {{"host", "details"}}}}}}}}}}}}
                         .dump()
                     + "\n";
    }
    const qsizetype publishes = loaded.count();
    QVERIFY2(kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, QByteArray::fromStdString(manifests)),
             qPrintable(m_kubectlError));
    QThread::sleep(1);
    QTRY_COMPARE_WITH_TIMEOUT(virtualServiceNames(latest(loaded)).size(), before + 5, 30000);
    QCOMPARE(loaded.count(), publishes + 1);
}

QTEST_MAIN(TestTopologyWatch)
#include "tst_topologywatch.moc"

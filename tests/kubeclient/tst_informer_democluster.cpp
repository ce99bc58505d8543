// SPDX-License-Identifier: Apache-2.0
// The informer against the real demo cluster binary (TLS, bearer token, its watch), with the real
// kubectl making the change: what an operator's concurrent edit looks like to MeshDeck.
#include "DemoClusterProcess.h"
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/Informer.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QTest>

#include <optional>

using kube::InformerCache;
using kube::ObjectPtr;
using namespace std::chrono_literals;

namespace {
const QString Kubectl = QStringLiteral("/usr/bin/kubectl");
}

class TestInformerDemoCluster : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seesKubectlPatch();
};

void TestInformerDemoCluster::seesKubectlPatch()
{
    if (!QFile::exists(Kubectl))
        QSKIP("kubectl is not installed (/usr/bin/kubectl)");
    DemoClusterProcess cluster;
    QVERIFY2(cluster.start(), qPrintable(cluster.errorString()));

    auto loaded = kube::Kubeconfig::load(cluster.kubeconfigPath().toStdString());
    QVERIFY(std::holds_alternative<kube::Kubeconfig>(loaded));
    auto connection = std::get<kube::Kubeconfig>(loaded).connection();
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));

    TaskQueue queue;
    kube::KubeClient client(std::get<kube::ClusterConnection>(connection), queue.executor());
    bool synced = false;
    std::vector<std::string> updates;
    std::optional<kube::ApiError> failure;
    kube::Informer::Handlers handlers;
    handlers.synced = [&] { synced = true; };
    handlers.updated = [&](const ObjectPtr&, const ObjectPtr& current) {
        const auto labels = current->value("/metadata/labels"_json_pointer, nlohmann::json::object());
        updates.push_back(InformerCache::keyOf(*current) + " " + labels.value("meshdeck-test", ""));
    };
    handlers.failed = [&](const kube::ApiError& error) { failure = error; };
    kube::Informer informer(client, kube::kinds::VirtualServices.collectionPath("bookinfo"), handlers);
    informer.start();
    QVERIFY(queue.runUntil([&] { return synced; }, 20s));
    QVERIFY(informer.cache().get("bookinfo/reviews"));
    const std::string before = InformerCache::resourceVersionOf(*informer.cache().get("bookinfo/reviews"));

    QProcess kubectl;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KUBECACHEDIR"), cluster.workDir() + QStringLiteral("/kubecache"));
    environment.insert(QStringLiteral("HOME"), cluster.workDir());
    environment.remove(QStringLiteral("KUBECONFIG"));
    kubectl.setProcessEnvironment(environment);
    kubectl.start(Kubectl, {QStringLiteral("--kubeconfig"), cluster.kubeconfigPath(), QStringLiteral("patch"),
                            QStringLiteral("virtualservice"), QStringLiteral("reviews"), QStringLiteral("-n"),
                            QStringLiteral("bookinfo"), QStringLiteral("--type"), QStringLiteral("merge"),
                            QStringLiteral("-p"), QStringLiteral(R"({"metadata":{"labels":{"meshdeck-test":"patched"}}})")});
    QVERIFY(kubectl.waitForFinished(60000));
    QVERIFY2(kubectl.exitCode() == 0, kubectl.readAllStandardError().constData());

    QVERIFY2(queue.runUntil([&] { return !updates.empty(); }, 20s),
             failure ? failure->describe().c_str() : "no update and no failure");
    QCOMPARE(updates, std::vector<std::string>{"bookinfo/reviews patched"});
    QVERIFY(InformerCache::resourceVersionOf(*informer.cache().get("bookinfo/reviews")) != before);
}

QTEST_APPLESS_MAIN(TestInformerDemoCluster)
#include "tst_informer_democluster.moc"

// SPDX-License-Identifier: Apache-2.0
// The real `meshdeck --export-graph` against the real demo cluster with a real Prometheus: the JSON
// lists bookinfo, its edges follow a split that sends reviews to v2 and v3, and its rates match
// the simulated load; after the real kubectl applies Istio's 80/20 sample, the shares follow.
// Several namespaces in one export: a copy of Bookinfo applied by kubectl beside the original, the
// ingress gateway an outside caller, or, with istio-system shown, an edge across namespaces.
#include "DemoClusterProcess.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/ResourceKind.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTest>

#include <cmath>
#include <optional>

class TestGraphExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportFollowsTheSplit();
    void sharesFollowKubectlsEightyTwentySplit();
    void severalNamespacesInOneExport();
    void unreachableClusterFailsClearly();
    void cleanupTestCase();

private:
    QJsonObject exportGraph(const QString& kubeconfig, int* exitCode, QString* errors,
                            const QStringList& options = {QStringLiteral("--namespace"), QStringLiteral("bookinfo")});
    // `kubectl apply -f -` of `manifest` (or of `file` with -n `ns`); returns kubectl's stderr when it fails.
    QString kubectlApply(const QByteArray& manifest, const QStringList& arguments = {});

    std::unique_ptr<DemoClusterProcess> m_cluster;
    QTemporaryDir m_dir;
};

void TestGraphExport::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestGraphExport::cleanupTestCase()
{
    m_cluster.reset();
}

QJsonObject TestGraphExport::exportGraph(const QString& kubeconfig, int* exitCode, QString* errors, const QStringList& options)
{
    const QString out = m_dir.filePath(QStringLiteral("out.json"));
    QFile::remove(out);
    QProcess meshdeck;
    meshdeck.start(QStringLiteral(MESHDECK_APP_BIN),
                   QStringList{QStringLiteral("--kubeconfig"), kubeconfig} + options + QStringList{QStringLiteral("--export-graph"), out});
    if (!meshdeck.waitForFinished(150000)) {
        meshdeck.kill();
        meshdeck.waitForFinished();
    }
    *exitCode = meshdeck.exitStatus() == QProcess::NormalExit ? meshdeck.exitCode() : -1;
    *errors = QString::fromLocal8Bit(meshdeck.readAllStandardError());
    QFile file(out);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void TestGraphExport::exportFollowsTheSplit()
{
    // Send reviews half to v2, half to v3, as an operator would with kubectl patch.
    auto connection = m_cluster->connection();
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));
    ClusterSession session(std::get<kube::ClusterConnection>(connection));
    const std::string patch = R"({"spec":{"http":[{"route":[
        {"destination":{"host":"reviews","subset":"v2"},"weight":50},
        {"destination":{"host":"reviews","subset":"v3"},"weight":50}]}]}})";
    std::optional<kube::JsonResult> applied;
    session.kube().patch(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), kube::PatchType::Merge, patch,
                         [&](kube::JsonResult r) { applied = r; });
    QTRY_VERIFY_WITH_TIMEOUT(applied.has_value(), 10000);
    QVERIFY2(applied->error.ok(), applied->error.describe().c_str());
    // Let the 15 s rate window fill with traffic after the change, so v1 has left the graph.
    QTest::qWait(25000);

    int exitCode = 0;
    QString errors;
    const QJsonObject graph = exportGraph(m_cluster->kubeconfigPath(), &exitCode, &errors);
    QVERIFY2(exitCode == 0, qPrintable(errors));
    QStringList services;
    for (const QJsonValue& node : graph.value(u"nodes").toArray()) {
        if (node[u"kind"].toString() == u"service")
            services.append(node[u"name"].toString());
    }
    services.sort();
    QCOMPARE(services, (QStringList{QStringLiteral("details"), QStringLiteral("productpage"), QStringLiteral("ratings"),
                                    QStringLiteral("reviews")}));

    QStringList callersOfRatings;
    double intoProductpage = 0;
    for (const QJsonValue& edge : graph.value(u"edges").toArray()) {
        if (edge[u"target"].toString() == u"svc:bookinfo/ratings")
            callersOfRatings.append(edge[u"source"].toString());
        if (edge[u"target"].toString() == u"svc:bookinfo/productpage")
            intoProductpage += edge[u"requestsPerSecond"].toDouble();
    }
    callersOfRatings.sort();
    QCOMPARE(callersOfRatings, (QStringList{QStringLiteral("wl:bookinfo/reviews-v2"), QStringLiteral("wl:bookinfo/reviews-v3")}));
    // The simulator sends about 20 requests/s to productpage.
    QVERIFY2(intoProductpage > 14 && intoProductpage < 26, qPrintable(QString::number(intoProductpage)));
}

void TestGraphExport::sharesFollowKubectlsEightyTwentySplit()
{
    QProcess kubectl;
    kubectl.start(QStringLiteral("kubectl"),
                  {QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(), QStringLiteral("-n"), QStringLiteral("bookinfo"),
                   QStringLiteral("apply"), QStringLiteral("-f"),
                   QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples/virtual-service-reviews-80-20.yaml")});
    QVERIFY(kubectl.waitForFinished(30000));
    QVERIFY2(kubectl.exitCode() == 0, kubectl.readAllStandardError().constData());
    QCOMPARE(kubectl.readAllStandardOutput(), QByteArray("virtualservice.networking.istio.io/reviews configured\n"));
    QTest::qWait(25000); // the 15 s rate window holds only traffic routed after the change

    int exitCode = 0;
    QString errors;
    const QJsonObject graph = exportGraph(m_cluster->kubeconfigPath(), &exitCode, &errors);
    QVERIFY2(exitCode == 0, qPrintable(errors));
    QMap<QString, double> shares;
    for (const QJsonValue& edge : graph.value(u"edges").toArray()) {
        if (edge[u"source"].toString() == u"svc:bookinfo/reviews")
            shares.insert(edge[u"target"].toString(), edge[u"share"].toDouble());
    }
    // 20 requests/s over 15 s is about 300 draws: 80 % comes out within a few points.
    const QString seen = QStringLiteral("shares: v1 %1, v2 %2, v3 %3")
                             .arg(shares.value(QStringLiteral("wl:bookinfo/reviews-v1")))
                             .arg(shares.value(QStringLiteral("wl:bookinfo/reviews-v2")))
                             .arg(shares.value(QStringLiteral("wl:bookinfo/reviews-v3")));
    QVERIFY2(std::abs(shares.value(QStringLiteral("wl:bookinfo/reviews-v1")) - 0.8) < 0.08, qPrintable(seen));
    QVERIFY2(std::abs(shares.value(QStringLiteral("wl:bookinfo/reviews-v2")) - 0.2) < 0.08, qPrintable(seen));
    QVERIFY2(!shares.contains(QStringLiteral("wl:bookinfo/reviews-v3")), qPrintable(seen)); // idle edges are not exported
}

QString TestGraphExport::kubectlApply(const QByteArray& manifest, const QStringList& arguments)
{
    QProcess kubectl;
    kubectl.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(),
                                                         QStringLiteral("apply")}
                                                 + (arguments.isEmpty() ? QStringList{QStringLiteral("-f"), QStringLiteral("-")} : arguments));
    kubectl.write(manifest);
    kubectl.closeWriteChannel();
    if (!kubectl.waitForFinished(30000))
        return QStringLiteral("kubectl did not finish");
    return kubectl.exitCode() == 0 ? QString() : QString::fromLocal8Bit(kubectl.readAllStandardError());
}

void TestGraphExport::severalNamespacesInOneExport()
{
    // A second Bookinfo beside the first, and the ingress gateway's Deployment where Istio puts it.
    QString failed = kubectlApply("apiVersion: v1\nkind: Namespace\nmetadata: {name: bookinfo-copy}\n---\n"
                                  "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n");
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    failed = kubectlApply({}, {QStringLiteral("-n"), QStringLiteral("bookinfo-copy"), QStringLiteral("-f"),
                               QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples/bookinfo.yaml")});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    failed = kubectlApply(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system, labels: {app: istio-ingressgateway}}
spec:
  replicas: 1
  selector: {matchLabels: {app: istio-ingressgateway}}
  template:
    metadata: {labels: {app: istio-ingressgateway, istio: ingressgateway}}
    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.24.0}]}
)");
    QVERIFY2(failed.isEmpty(), qPrintable(failed));

    // Both Bookinfos, idle nodes included (the copy takes no traffic): every node says its namespace.
    int exitCode = 0;
    QString errors;
    QJsonObject graph = exportGraph(m_cluster->kubeconfigPath(), &exitCode, &errors,
                                    {QStringLiteral("--namespace"), QStringLiteral("bookinfo,bookinfo-copy"), QStringLiteral("--show-idle")});
    QVERIFY2(exitCode == 0, qPrintable(errors));
    QCOMPARE(graph.value(u"namespaces").toArray(), (QJsonArray{QStringLiteral("bookinfo"), QStringLiteral("bookinfo-copy")}));
    QVERIFY(graph.value(u"hidden").toArray().isEmpty());
    QMap<QString, QStringList> servicesByNamespace;
    QJsonObject gateway;
    for (const QJsonValue& node : graph.value(u"nodes").toArray()) {
        const QString ns = node[u"namespace"].toString();
        QVERIFY2(node[u"kind"].toString() == u"external" || node[u"id"].toString().contains(u':' + ns + u'/'),
                 qPrintable(node[u"id"].toString()));
        if (node[u"kind"].toString() == u"service")
            servicesByNamespace[ns].append(node[u"name"].toString());
        if (node[u"id"].toString() == u"ext:istio-system/istio-ingressgateway")
            gateway = node.toObject();
    }
    const QStringList bookinfo{QStringLiteral("details"), QStringLiteral("productpage"), QStringLiteral("ratings"),
                               QStringLiteral("reviews")};
    for (QStringList& names : servicesByNamespace)
        names.sort();
    QCOMPARE(servicesByNamespace.value(QStringLiteral("bookinfo")), bookinfo);
    QCOMPARE(servicesByNamespace.value(QStringLiteral("bookinfo-copy")), bookinfo);
    QCOMPARE(servicesByNamespace.size(), 2);
    // The gateway is outside both namespaces shown: an outside node that says where it is.
    QCOMPARE(gateway.value(u"kind").toString(), QStringLiteral("external"));
    QCOMPARE(gateway.value(u"namespace").toString(), QStringLiteral("istio-system"));
    double intoBookinfo = -1;
    for (const QJsonValue& edge : graph.value(u"edges").toArray()) {
        if (edge[u"source"].toString() == gateway.value(u"id").toString() && edge[u"target"].toString() == u"svc:bookinfo/productpage")
            intoBookinfo = edge[u"requestsPerSecond"].toDouble();
        QVERIFY2(!edge[u"target"].toString().startsWith(u"svc:bookinfo-copy/") || edge[u"requestsPerSecond"].toDouble() == 0,
                 qPrintable(edge[u"id"].toString())); // the simulator sends nothing to the copy
    }
    QVERIFY2(intoBookinfo > 14 && intoBookinfo < 26, qPrintable(QString::number(intoBookinfo)));

    // With istio-system shown its gateway is a workload of the graph, and its calls cross namespaces.
    graph = exportGraph(m_cluster->kubeconfigPath(), &exitCode, &errors,
                        {QStringLiteral("--namespace"), QStringLiteral("bookinfo,istio-system"), QStringLiteral("--graph-kind"),
                         QStringLiteral("workload")});
    QVERIFY2(exitCode == 0, qPrintable(errors));
    QJsonObject across;
    for (const QJsonValue& edge : graph.value(u"edges").toArray()) {
        if (edge[u"id"].toString() == u"wl:istio-system/istio-ingressgateway->wl:bookinfo/productpage-v1")
            across = edge.toObject();
        QVERIFY2(!edge[u"source"].toString().startsWith(u"ext:istio-system/"), qPrintable(edge[u"id"].toString()));
    }
    QVERIFY2(across.value(u"requestsPerSecond").toDouble() > 14 && across.value(u"requestsPerSecond").toDouble() < 26,
             QJsonDocument(graph).toJson().constData());
    bool gatewayIsWorkload = false;
    for (const QJsonValue& node : graph.value(u"nodes").toArray()) {
        if (node[u"id"].toString() == u"wl:istio-system/istio-ingressgateway")
            gatewayIsWorkload = node[u"kind"].toString() == u"workload" && node[u"namespace"].toString() == u"istio-system";
    }
    QVERIFY(gatewayIsWorkload);
}

void TestGraphExport::unreachableClusterFailsClearly()
{
    const QString kubeconfig = m_dir.filePath(QStringLiteral("missing-kubeconfig"));
    int exitCode = 0;
    QString errors;
    exportGraph(kubeconfig, &exitCode, &errors);
    QVERIFY(exitCode != 0);
    QVERIFY2(errors.contains(kubeconfig), qPrintable(errors));
}

QTEST_MAIN(TestGraphExport)
#include "tst_graphexport.moc"

// SPDX-License-Identifier: Apache-2.0
// A service routed the Gateway API way (an HTTPRoute attached to the Service, as in Istio's GAMMA
// mode) on the demo cluster's generated mesh: the traffic panel's sliders edit its backendRefs.
#include "DemoClusterProcess.h"

#include "views/pages/MeshPage.h"
#include "views/traffic/TrafficPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/Kubeconfig.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QPushButton>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

class TestHttpRouteSplit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void slidersEditBackendWeights();
};

namespace {
QByteArray kubectl(const QString& kubeconfig, const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), kubeconfig} + arguments);
    process.waitForFinished(30000);
    return process.readAllStandardOutput();
}
} // namespace

void TestHttpRouteSplit::slidersEditBackendWeights()
{
    DemoClusterProcess cluster(DemoClusterProcess::Prometheus::Off, {QStringLiteral("--services"), QStringLiteral("30")});
    QVERIFY2(cluster.start(), qPrintable(cluster.errorString()));
    const QString kubeconfig = cluster.kubeconfigPath();

    // Pick a generated service routed by an HTTPRoute with several backends.
    const nlohmann::json routes = nlohmann::json::parse(
        kubectl(kubeconfig, {QStringLiteral("get"), QStringLiteral("httproutes"), QStringLiteral("-o"), QStringLiteral("json")}).toStdString(),
        nullptr, false);
    QVERIFY(routes.is_object());
    std::string service;
    std::vector<std::string> backends;
    for (const auto& route : routes["items"]) {
        const auto& refs = route["spec"]["rules"][0]["backendRefs"];
        if (refs.size() >= 2) {
            service = route["spec"]["parentRefs"][0]["name"].get<std::string>();
            for (const auto& ref : refs)
                backends.push_back(ref["name"].get<std::string>());
            break;
        }
    }
    QVERIFY2(!service.empty(), "the generated mesh has no HTTPRoute with two backends");

    auto connection = cluster.connection();
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));
    ClusterSession session(std::get<kube::ClusterConnection>(connection));
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(&session, &audit);
    page.show();
    page.selectService(QString::fromStdString(service));
    TrafficPanel* panel = page.trafficPanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->sliderCount(), int(backends.size()), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().startsWith(QStringLiteral("HTTPRoute ")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isWritable() && panel->actionButton(QStringLiteral("Evenly"))->isEnabled(), 10000);

    // "Evenly" sends the same share to every backend, in the HTTPRoute itself.
    QTest::mouseClick(panel->actionButton(QStringLiteral("Evenly")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().contains(QStringLiteral("accepted")), 15000);
    const nlohmann::json route = nlohmann::json::parse(
        kubectl(kubeconfig, {QStringLiteral("get"), QStringLiteral("httproute"), QString::fromStdString(service), QStringLiteral("-o"),
                             QStringLiteral("json")})
            .toStdString(),
        nullptr, false);
    const auto& refs = route["spec"]["rules"][0]["backendRefs"];
    int lowest = 100, highest = 0;
    for (const auto& ref : refs) {
        lowest = std::min(lowest, ref["weight"].get<int>());
        highest = std::max(highest, ref["weight"].get<int>());
    }
    QVERIFY2(highest - lowest <= 1, route.dump().c_str());
    QCOMPARE(audit.rowCount(), 1);
    QCOMPARE(audit.entry(0).kind, QStringLiteral("HTTPRoute"));
}

QTEST_MAIN(TestHttpRouteSplit)
#include "tst_httproutesplit.moc"

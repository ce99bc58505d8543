// SPDX-License-Identifier: Apache-2.0
// The traffic panel against the real demo cluster, beside the real kubectl: a viewer gets a
// read-only panel that says why; a change another client made meanwhile survives MeshDeck's write.
#include "DemoClusterProcess.h"

#include "views/pages/MeshPage.h"
#include "views/traffic/MatchRoutesEditor.h"
#include "views/traffic/TrafficPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

class TestTrafficWrites : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void viewerSeesAReadOnlyPanelAndWhy();
    void anotherClientsChangeSurvivesOurWrite();
    void createsMissingRoutingObjects();
    void abRouteAddedAndRemoved();
    void cleanupTestCase();

private:
    QByteArray kubectl(const QStringList& arguments, int* exitCode = nullptr);
    nlohmann::json reviews(ClusterSession& session);

    std::unique_ptr<DemoClusterProcess> m_cluster;
};

void TestTrafficWrites::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestTrafficWrites::cleanupTestCase()
{
    m_cluster.reset();
}


QByteArray TestTrafficWrites::kubectl(const QStringList& arguments, int* exitCode)
{
    QProcess process;
    process.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath()} + arguments);
    process.waitForFinished(30000);
    if (exitCode)
        *exitCode = process.exitCode();
    return process.readAllStandardOutput() + process.readAllStandardError();
}

nlohmann::json TestTrafficWrites::reviews(ClusterSession& session)
{
    std::optional<kube::JsonResult> answer;
    session.kube().get(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), [&](kube::JsonResult r) { answer = r; });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000) || !answer->error.ok())
        return {};
    return *answer->object;
}

void TestTrafficWrites::viewerSeesAReadOnlyPanelAndWhy()
{
    auto viewer = m_cluster->session("meshdeck-demo-viewer");
    QVERIFY(viewer);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(viewer.get(), &audit);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    TrafficPanel* panel = page.trafficPanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->sliderCount(), 3, 15000);

    // The cluster's access review says no, and the panel says so instead of failing on a write.
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isWritable(), 15000);
    QVERIFY(!panel->slider(0)->isEnabled());
    QVERIFY(!panel->actionButton(QStringLiteral("Promote"))->isEnabled());
    QVERIFY2(panel->statusText().startsWith(QStringLiteral("Read-only:")), qPrintable(panel->statusText()));
    QVERIFY2(panel->statusText().contains(QStringLiteral("may not patch VirtualServices in namespace bookinfo")), qPrintable(panel->statusText()));
    // It still shows the split as the cluster has it (bookinfo routes reviews to v1).
    QCOMPARE(panel->slider(0)->value(), 100);

    // kubectl agrees with the panel.
    int exitCode = 0;
    const QByteArray answer = kubectl({QStringLiteral("--context"), QStringLiteral("meshdeck-demo-viewer"), QStringLiteral("auth"),
                                       QStringLiteral("can-i"), QStringLiteral("patch"), QStringLiteral("virtualservices"),
                                       QStringLiteral("-n"), QStringLiteral("bookinfo")},
                                      &exitCode);
    QCOMPARE(answer.trimmed(), QByteArray("no"));
}

void TestTrafficWrites::anotherClientsChangeSurvivesOurWrite()
{
    auto admin = m_cluster->session("meshdeck-demo");
    QVERIFY(admin);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(admin.get(), &audit);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    TrafficPanel* panel = page.trafficPanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->sliderCount(), 3, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isWritable() && panel->actionButton(QStringLiteral("5 %"))->isEnabled(), 15000);
    const std::string versionSeen = reviews(*admin)["metadata"]["resourceVersion"].get<std::string>();

    // Someone adds a timeout to the route with kubectl while MeshDeck shows the older object.
    int exitCode = 0;
    const QByteArray patched = kubectl({QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("patch"),
                                        QStringLiteral("virtualservice"), QStringLiteral("reviews"), QStringLiteral("--type"),
                                        QStringLiteral("json"), QStringLiteral("-p"),
                                        QStringLiteral(R"([{"op":"add","path":"/spec/http/0/timeout","value":"3s"}])")},
                                       &exitCode);
    QVERIFY2(exitCode == 0, patched.constData());

    // The operator sends 5 % to the canary from the panel at once, before MeshDeck re-reads the object.
    panel->targetChooser()->setCurrentText(QStringLiteral("v3"));
    QTest::mouseClick(panel->actionButton(QStringLiteral("5 %")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().contains(QStringLiteral("accepted")), 15000);

    // Both changes are in the cluster: MeshDeck's weights and kubectl's timeout.
    const nlohmann::json object = reviews(*admin);
    QVERIFY(object["metadata"]["resourceVersion"].get<std::string>() != versionSeen);
    const nlohmann::json& route = object["spec"]["http"][0];
    QCOMPARE(QString::fromStdString(route.value("timeout", std::string())), QStringLiteral("3s"));
    QMap<QString, int> weights;
    for (const auto& destination : route["route"])
        weights.insert(QString::fromStdString(destination["destination"]["subset"].get<std::string>()), destination.value("weight", 0));
    QCOMPARE(weights.value(QStringLiteral("v1")), 95);
    QCOMPARE(weights.value(QStringLiteral("v3")), 5);
    QCOMPARE(audit.rowCount(), 1);
}

void TestTrafficWrites::createsMissingRoutingObjects()
{
    int exitCode = 0;
    const QByteArray deleted = kubectl({QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("delete"),
                                        QStringLiteral("virtualservice,destinationrule"), QStringLiteral("details")},
                                       &exitCode);
    QVERIFY2(exitCode == 0, deleted.constData());

    auto admin = m_cluster->session("meshdeck-demo");
    QVERIFY(admin);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(admin.get(), &audit);
    page.show();
    page.selectService(QStringLiteral("details"));
    TrafficPanel* panel = page.trafficPanel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->createRoutingButton()->isVisible(), 15000);
    QVERIFY2(panel->statusText().contains(QStringLiteral("no VirtualService")), qPrintable(panel->statusText()));

    // The operator reviews both objects, then creates them.
    QList<DiffLine> reviewed;
    panel->setConfirmation([&](const QString&, const QList<DiffLine>& diff) {
        reviewed = diff;
        return true;
    });
    QTest::mouseClick(panel->createRoutingButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().startsWith(QStringLiteral("Created")), 15000);
    QVERIFY(!reviewed.isEmpty());
    QVERIFY(std::all_of(reviewed.cbegin(), reviewed.cend(), [](const DiffLine& l) { return l.kind == DiffLine::Kind::Added; }));

    // kubectl sees them, labelled as MeshDeck's; the sliders appear from the cluster's answer.
    const auto json = [&](const QString& kind) {
        return nlohmann::json::parse(kubectl({QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("get"), kind,
                                              QStringLiteral("details"), QStringLiteral("-o"), QStringLiteral("json")}).toStdString(),
                                     nullptr, false);
    };
    const nlohmann::json vs = json(QStringLiteral("virtualservice"));
    const nlohmann::json dr = json(QStringLiteral("destinationrule"));
    QVERIFY(vs["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "meshdeck");
    QVERIFY(dr["spec"]["subsets"][0]["name"] == "v1");
    QVERIFY(vs["spec"]["http"][0]["route"][0]["weight"] == 100);
    QTRY_COMPARE_WITH_TIMEOUT(panel->sliderCount(), 1, 15000);
    QCOMPARE(audit.rowCount(), 2);
    QCOMPARE(audit.entry(0).kind, QStringLiteral("DestinationRule"));
    QCOMPARE(audit.entry(1).action, QStringLiteral("create routing"));
    QTRY_VERIFY_WITH_TIMEOUT(!panel->createRoutingButton()->isVisible(), 15000);
}

void TestTrafficWrites::abRouteAddedAndRemoved()
{
    auto admin = m_cluster->session("meshdeck-demo");
    QVERIFY(admin);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(admin.get(), &audit);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    MatchRoutesEditor* editor = page.trafficPanel()->matchRoutesEditor();
    QTRY_VERIFY_WITH_TIMEOUT(editor->subsetChooser()->count() == 3, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(page.trafficPanel()->isWritable(), 15000);

    // jason tries v3 while everyone else keeps the split.
    editor->fieldChooser()->setCurrentIndex(editor->fieldChooser()->findData(int(MatchCondition::Field::Header)));
    QTest::keyClicks(editor->nameEdit(), QStringLiteral("end-user"));
    QTest::keyClicks(editor->valueEdit(), QStringLiteral("jason"));
    editor->subsetChooser()->setCurrentText(QStringLiteral("v3"));
    QVERIFY(editor->addButton()->isEnabled());
    QTest::mouseClick(editor->addButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(editor->routeCount(), 1, 15000);
    QVERIFY2(editor->routeText(0).contains(QStringLiteral("header end-user = jason")), qPrintable(editor->routeText(0)));

    const auto http = [&] {
        return nlohmann::json::parse(kubectl({QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("get"), QStringLiteral("vs"),
                                              QStringLiteral("reviews"), QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.http}")})
                                         .toStdString(),
                                     nullptr, false);
    };
    nlohmann::json routes = http();
    QVERIFY2(routes.size() == 2, routes.dump().c_str());
    QVERIFY(routes[0]["match"][0]["headers"]["end-user"]["exact"] == "jason");
    QVERIFY(routes[0]["route"][0]["destination"]["subset"] == "v3");
    QVERIFY(!routes[1].contains("match"));

    // Removing it leaves the default route only; both edits are in the audit log.
    QTest::mouseClick(editor->removeButtons().first(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(editor->routeCount(), 0, 15000);
    routes = http();
    QCOMPARE(routes.size(), std::size_t(1));
    QCOMPARE(audit.rowCount(), 2);
    QCOMPARE(audit.entry(0).action, QStringLiteral("routing"));
    QVERIFY2(audit.entry(1).summary.startsWith(QStringLiteral("A/B route removed")), qPrintable(audit.entry(1).summary));
}

QTEST_MAIN(TestTrafficWrites)
#include "tst_trafficwrites.moc"

// SPDX-License-Identifier: Apache-2.0
#include "DemoClusterProcess.h"

#include "views/graph/GraphView.h"
#include "views/pages/MeshPage.h"
#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"
#include "views/traffic/TrafficPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/PrometheusClient.h"
#include "kubeclient/ResourceKind.h"
#include "kubeclient/YamlJsonConverter.h"

#include <nlohmann/json.hpp>

#include <QPushButton>
#include <QSignalSpy>
#include <QCheckBox>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

// The whole loop on the real thing: meshdeck-democluster serving the Kubernetes API over TLS, its
// traffic simulator scraped by a real Prometheus, reached through the API server's service proxy.
class TestEndToEnd : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listsBookinfo();
    void appliedSplitShowsInPrometheus();
    void sliderMovesTheChart();
    void liveDragIsPacedAndUndoable();
    void clickOnTheCanvasClearsTheSelectionForGood();
    void cleanupTestCase();

private:
    QMap<QString, double> reviewsRatesByVersion(const QString& window);
    // The reviews VirtualService's weights by subset, read from the cluster now.
    QMap<QString, int> reviewsWeights();

    std::unique_ptr<DemoClusterProcess> m_cluster;
    std::unique_ptr<ClusterSession> m_session;
};

void TestEndToEnd::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
    m_session = m_cluster->session();
    QVERIFY(m_session);
    QCOMPARE(m_session->namespaceName(), QStringLiteral("bookinfo"));
}

void TestEndToEnd::cleanupTestCase()
{
    m_session.reset();
    m_cluster.reset();
}

void TestEndToEnd::listsBookinfo()
{
    std::optional<kube::JsonResult> answer;
    m_session->kube().get(kube::kinds::Pods.collectionPath("bookinfo"), [&](kube::JsonResult r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10000);
    QVERIFY2(answer->error.ok(), answer->error.describe().c_str());
    QStringList pods;
    for (const auto& pod : answer->object->at("items"))
        pods.append(QString::fromStdString(pod["metadata"]["name"].get<std::string>()));
    QCOMPARE(pods.size(), 6);
    QVERIFY(pods.filter(QStringLiteral("reviews-v3-")).size() == 1);
}

QMap<QString, double> TestEndToEnd::reviewsRatesByVersion(const QString& window)
{
    std::optional<kube::PromResult> answer;
    const QString query = QStringLiteral("sum by (destination_version) (rate(istio_requests_total{reporter=\"destination\","
                                         "destination_service_namespace=\"bookinfo\",destination_service_name=\"reviews\"}[%1]))")
                              .arg(window);
    m_session->prometheus().query(query.toStdString(), [&](kube::PromResult r) { answer = std::move(r); });
    QMap<QString, double> rates;
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000) || !answer->error.ok())
        return rates;
    for (const kube::PromSeries& s : answer->series)
        rates.insert(QString::fromStdString(s.labels.at("destination_version")), s.samples.back().value);
    return rates;
}

QMap<QString, int> TestEndToEnd::reviewsWeights()
{
    std::optional<kube::JsonResult> answer;
    m_session->kube().get(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), [&](kube::JsonResult r) { answer = r; });
    QMap<QString, int> weights;
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000) || !answer->error.ok())
        return weights;
    for (const auto& destination : answer->object->at("spec").at("http").at(0).at("route"))
        weights.insert(QString::fromStdString(destination.at("destination").at("subset").get<std::string>()),
                       destination.value("weight", 0));
    return weights;
}

void TestEndToEnd::appliedSplitShowsInPrometheus()
{
    // Apply the Istio sample as an operator would: its content, merged into the live object.
    const auto documents = kube::YamlJsonConverter::loadAll(MESHDECK_SOURCE_DIR "/resources/istio-samples/virtual-service-reviews-80-20.yaml");
    QCOMPARE(documents.size(), std::size_t(1));
    std::optional<kube::JsonResult> applied;
    m_session->kube().patch(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), kube::PatchType::Merge,
                            documents.front().dump(), [&](kube::JsonResult r) { applied = r; });
    QTRY_VERIFY_WITH_TIMEOUT(applied.has_value(), 10000);
    QVERIFY2(applied->error.ok(), applied->error.describe().c_str());
    QCOMPARE(applied->object->at("spec").at("http").at(0).at("route").size(), std::size_t(2));

    // Once Prometheus holds 20 s of traffic after the change, v1 carries about 80 % and v2 about 20 %.
    QTest::qWait(22000);
    QMap<QString, double> rates;
    double v1Share = 0;
    const bool settled = QTest::qWaitFor([&] {
        rates = reviewsRatesByVersion(QStringLiteral("20s"));
        const double total = rates.value(QStringLiteral("v1")) + rates.value(QStringLiteral("v2")) + rates.value(QStringLiteral("v3"));
        v1Share = total > 0 ? rates.value(QStringLiteral("v1")) / total : 0;
        return total > 0 && v1Share > 0.72 && v1Share < 0.88 && rates.value(QStringLiteral("v3")) < total * 0.01;
    }, 60000);
    QVERIFY2(settled, qPrintable(QStringLiteral("reviews rates by version: v1 %1, v2 %2, v3 %3; v1 share %4")
                                     .arg(rates.value(QStringLiteral("v1")))
                                     .arg(rates.value(QStringLiteral("v2")))
                                     .arg(rates.value(QStringLiteral("v3")))
                                     .arg(v1Share)));
}

void TestEndToEnd::sliderMovesTheChart()
{
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(m_session.get(), &audit);
    page.resize(1400, 800);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    QTRY_VERIFY_WITH_TIMEOUT(page.showsLiveData(), 60000);
    TrafficPanel* panel = page.trafficPanel();
    panel->setConfirmation([](const QString&, const QList<DiffLine>&) { return true; }); // moving everything asks first
    QTRY_COMPARE_WITH_TIMEOUT(panel->sliderCount(), 3, 10000);

    // The operator sends everything to v3 with the keyboard on its slider.
    QSlider* v3 = panel->slider(2);
    v3->setFocus();
    QTest::keyClick(v3, Qt::Key_End);

    // The panel shows the cluster's answer, then the chart shows v3 taking the traffic.
    QTRY_VERIFY_WITH_TIMEOUT(panel->statusText().contains(QStringLiteral("accepted")), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel->slider(2)->value(), 100, 10000);

    // The change is in the audit log, with the object before and after as the cluster returned them.
    QCOMPARE(audit.rowCount(), 1);
    const AuditEntry& entry = audit.entry(0);
    QCOMPARE(entry.context, QStringLiteral("meshdeck-demo"));
    // The user is who the API server says we are, not the kubeconfig's name for the entry.
    QCOMPARE(m_session->userName(), QStringLiteral("meshdeck-demo-admin"));
    QCOMPARE(entry.user, QStringLiteral("meshdeck-admin"));
    QCOMPARE(entry.service, QStringLiteral("reviews"));
    QVERIFY2(entry.summary.contains(QStringLiteral("v3 100 %")), qPrintable(entry.summary));
    QVERIFY(entry.before.contains("\"weight\":80"));
    QVERIFY(entry.after.contains("\"weight\":100"));
    MetricChart* rates = page.telemetryPanel()->chartFor(TelemetryMetric::RequestRate);
    auto last = [&](const char* version) { return rates->lastPoint(TelemetryMetric::RequestRate, QString::fromUtf8(version)).y(); };
    const bool moved = QTest::qWaitFor([&] { return last("v3") > 0 && last("v3") > 4 * (last("v1") + last("v2")); }, 60000);
    QVERIFY2(moved, qPrintable(QStringLiteral("chart's last points: v1 %1, v2 %2, v3 %3").arg(last("v1")).arg(last("v2")).arg(last("v3"))));

    // v3 is the slow version: once it carries the traffic, its p95 is well above v1's profile.
    MetricChart* latency = page.telemetryPanel()->chartFor(TelemetryMetric::LatencyP95);
    QTRY_VERIFY_WITH_TIMEOUT(latency->lastPoint(TelemetryMetric::LatencyP95, QStringLiteral("v3")).y() > 50, 30000);
}

void TestEndToEnd::liveDragIsPacedAndUndoable()
{
    // Start from a known 80/20 split, set by someone else.
    std::optional<kube::JsonResult> reset;
    m_session->kube().patch(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), kube::PatchType::Merge,
                            R"({"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":80},
                                {"destination":{"host":"reviews","subset":"v2"},"weight":20}]}]}})",
                            [&](kube::JsonResult r) { reset = r; });
    QTRY_VERIFY_WITH_TIMEOUT(reset.has_value(), 10000);
    QVERIFY2(reset->error.ok(), reset->error.describe().c_str());

    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(m_session.get(), &audit);
    page.resize(1400, 800);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    TrafficPanel* panel = page.trafficPanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->sliderCount(), 3, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel->slider(1)->value(), 20, 10000);
    QVERIFY(!panel->undoButton()->isEnabled()); // nothing done yet

    // The operator turns live apply on and drags v2 from 20 % to 45 % over about 1.5 s.
    panel->applyWhileDraggingBox()->setChecked(true);
    QSlider* v2 = panel->slider(1);
    v2->setSliderDown(true);
    for (int value = 21; value <= 45; ++value) {
        v2->setSliderPosition(value);
        QTest::qWait(60);
    }
    const int writtenDuringDrag = audit.rowCount();
    v2->setSliderDown(false);

    // The cluster ends at the last value; the writes were paced (4 a second at most, plus the
    // release) instead of one per slider step.
    const auto lastSummary = [&] { return audit.rowCount() ? audit.entry(audit.rowCount() - 1).summary : QString(); };
    QTRY_VERIFY2_WITH_TIMEOUT(lastSummary().contains(QStringLiteral("v2 45 %")), qPrintable(lastSummary()), 15000);
    QCOMPARE(reviewsWeights(), (QMap<QString, int>{{QStringLiteral("v1"), 55}, {QStringLiteral("v2"), 45}}));
    QVERIFY2(writtenDuringDrag >= 1 && writtenDuringDrag <= 9, qPrintable(QString::number(writtenDuringDrag)));
    QVERIFY2(audit.rowCount() <= 10, qPrintable(QString::number(audit.rowCount())));

    // One click puts back the split the drag started from, and says so in the audit log.
    QTRY_VERIFY_WITH_TIMEOUT(panel->undoButton()->isEnabled(), 10000);
    QVERIFY2(panel->undoButton()->toolTip().contains(QStringLiteral("v1 80 %")), qPrintable(panel->undoButton()->toolTip()));
    const int before = audit.rowCount();
    QTest::mouseClick(panel->undoButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(audit.rowCount(), before + 1, 10000);
    QVERIFY2(audit.entry(before).why.startsWith(QStringLiteral("undo of")), qPrintable(audit.entry(before).why));
    QCOMPARE(reviewsWeights(), (QMap<QString, int>{{QStringLiteral("v1"), 80}, {QStringLiteral("v2"), 20}}));
    QTRY_COMPARE_WITH_TIMEOUT(panel->slider(1)->value(), 20, 15000);
    QCOMPARE(panel->slider(0)->value(), 80);

    // Someone else changes the split: undoing MeshDeck's last change would now undo theirs too.
    QTRY_VERIFY_WITH_TIMEOUT(panel->undoButton()->isEnabled(), 10000); // the undo itself is undoable
    std::optional<kube::JsonResult> other;
    m_session->kube().patch(kube::kinds::VirtualServices.objectPath("bookinfo", "reviews"), kube::PatchType::Merge,
                            R"({"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":60},
                                {"destination":{"host":"reviews","subset":"v2"},"weight":40}]}]}})",
                            [&](kube::JsonResult r) { other = r; });
    QTRY_VERIFY_WITH_TIMEOUT(other.has_value(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel->slider(1)->value(), 40, 15000);
    QVERIFY(!panel->undoButton()->isEnabled());
}

QTEST_MAIN(TestEndToEnd)
void TestEndToEnd::clickOnTheCanvasClearsTheSelectionForGood()
{
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(m_session.get(), &audit);
    page.resize(1400, 800);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    QTRY_VERIFY_WITH_TIMEOUT(page.showsLiveData(), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(page.graphView()->selectedNodeId(), QStringLiteral("svc:bookinfo/reviews"), 10000);

    // The fitted graph leaves the canvas' corner empty: a click there takes the selection away...
    QTest::mouseClick(page.graphView()->viewport(), Qt::LeftButton, {}, QPoint(4, 4));
    QCOMPARE(page.graphView()->selectedNodeId(), QString());
    // ...and the topology refreshes (every 2 s) do not bring it back; the panels keep the service.
    QTest::qWait(5000);
    QCOMPARE(page.graphView()->selectedNodeId(), QString());
    QCOMPARE(page.selectedService(), QStringLiteral("reviews"));
    // Choosing it again shows it again.
    page.graphView()->selectNode(QStringLiteral("svc:bookinfo/reviews"));
    QTest::qWait(3000);
    QCOMPARE(page.graphView()->selectedNodeId(), QStringLiteral("svc:bookinfo/reviews"));
}

#include "tst_endtoend.moc"

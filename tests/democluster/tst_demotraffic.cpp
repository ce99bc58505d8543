// SPDX-License-Identifier: Apache-2.0
// The real meshdeck-democluster binary with a generated mesh (--services), driven by the real
// kubectl: the generated objects are served, traffic flows through them, and a kubectl patch of
// the traffic ConfigMap changes the metrics while the cluster runs ("deploy a bad version").

#include "Scenario.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <map>

namespace {

const QString Kubectl = QStringLiteral("/usr/bin/kubectl");
constexpr int Services = 30;

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

// The sum of istio_requests_total over the series whose labels contain every given pair.
double requests(const std::string& metrics, const std::vector<std::string>& pairs)
{
    double total = 0;
    std::size_t line = 0;
    while ((line = metrics.find("istio_requests_total{", line)) != std::string::npos) {
        const std::size_t end = metrics.find('\n', line);
        const std::string text = metrics.substr(line, end - line);
        line = end;
        bool all = true;
        for (const auto& pair : pairs)
            all = all && text.find(pair) != std::string::npos;
        if (all)
            total += std::stod(text.substr(text.rfind(' ') + 1));
    }
    return total;
}

} // namespace

class TestDemoTraffic : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void servesTheGeneratedObjects();
    void trafficFlowsThroughTheGeneratedMesh();
    void configMapPatchDeploysABadVersion();
    void invalidConfigMapIsReportedAsAnEvent();

private:
    Result kubectl(const QStringList& arguments);
    std::string metrics();
    QJsonArray items(const QString& resource);

    QTemporaryDir m_dir;
    QProcess m_cluster;
    QString m_kubeconfig;
    QUrl m_metricsUrl;
};

void TestDemoTraffic::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFile::exists(Kubectl))
        QSKIP("kubectl is not installed (/usr/bin/kubectl)");
    m_kubeconfig = m_dir.filePath(QStringLiteral("kubeconfig"));
    m_cluster.start(QStringLiteral(MESHDECK_DEMOCLUSTER_BIN),
                    {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--kubeconfig-out"), m_kubeconfig,
                     QStringLiteral("--prometheus"), QStringLiteral("off"), QStringLiteral("--services"),
                     QString::number(Services)});
    QVERIFY2(m_cluster.waitForStarted(10000), qPrintable(m_cluster.errorString()));
    QElapsedTimer timer;
    timer.start();
    while (!m_cluster.canReadLine() && timer.elapsed() < 60000 && m_cluster.state() == QProcess::Running)
        m_cluster.waitForReadyRead(200);
    const QString log = QString::fromUtf8(m_cluster.readAllStandardError());
    QVERIFY2(m_cluster.canReadLine(), qPrintable(QStringLiteral("no ready line; stderr: ") + log));
    const QString ready = QString::fromUtf8(m_cluster.readLine()).trimmed();
    QVERIFY2(ready.startsWith(QStringLiteral("meshdeck-democluster: ready server=https://127.0.0.1:")), qPrintable(ready));
    const auto match = QRegularExpression(QStringLiteral(R"(sidecar metrics at (http://127\.0\.0\.1:\d+)/metrics)")).match(log);
    QVERIFY2(match.hasMatch(), qPrintable(log));
    m_metricsUrl = QUrl(match.captured(1));
}

void TestDemoTraffic::cleanupTestCase()
{
    if (m_cluster.state() != QProcess::Running)
        return;
    m_cluster.terminate();
    QVERIFY(m_cluster.waitForFinished(15000));
    QCOMPARE(m_cluster.exitCode(), 0);
}

Result TestDemoTraffic::kubectl(const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KUBECACHEDIR"), m_dir.filePath(QStringLiteral("kubecache")));
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    environment.remove(QStringLiteral("KUBECONFIG"));
    process.setProcessEnvironment(environment);
    process.start(Kubectl, QStringList{QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("-n"),
                                       QStringLiteral("mesh")}
                               + arguments);
    Result result;
    if (!process.waitForFinished(60000)) {
        result.err = QStringLiteral("kubectl did not finish: ") + process.errorString();
        return result;
    }
    result.exitCode = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

std::string TestDemoTraffic::metrics()
{
    httplib::Client client(m_metricsUrl.host().toStdString(), m_metricsUrl.port());
    const auto response = client.Get("/metrics");
    return response && response->status == 200 ? response->body : std::string();
}

QJsonArray TestDemoTraffic::items(const QString& resource)
{
    const Result result = kubectl({QStringLiteral("get"), resource, QStringLiteral("-o"), QStringLiteral("json")});
    if (result.exitCode != 0)
        qWarning("kubectl get %s: %s", qPrintable(resource), qPrintable(result.err));
    return QJsonDocument::fromJson(result.out.toUtf8()).object().value(QStringLiteral("items")).toArray();
}

void TestDemoTraffic::servesTheGeneratedObjects()
{
    // What the generator makes for this count is what kubectl lists, kind by kind.
    const auto scenario = democluster::Scenario::load(MESHDECK_SOURCE_DIR "/resources/scenarios/generated.yaml", Services);
    std::map<std::string, int> expected;
    for (const auto& object : *scenario.objects)
        ++expected[object["kind"].get<std::string>()];
    QCOMPARE(items(QStringLiteral("services")).size(), expected["Service"]);
    QCOMPARE(items(QStringLiteral("deployments")).size(), expected["Deployment"]);
    QCOMPARE(items(QStringLiteral("virtualservices")).size(), expected["VirtualService"]);
    QCOMPARE(items(QStringLiteral("destinationrules")).size(), expected["DestinationRule"]);
    QCOMPARE(items(QStringLiteral("httproutes")).size(), expected["HTTPRoute"]);
    QTRY_COMPARE_WITH_TIMEOUT(items(QStringLiteral("pods")).size(), expected["Deployment"], 20000);
    const Result frontend = kubectl({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("frontend")});
    QVERIFY2(frontend.exitCode == 0 && frontend.out.contains(QStringLiteral("8080/TCP")), qPrintable(frontend.out + frontend.err));
}

void TestDemoTraffic::trafficFlowsThroughTheGeneratedMesh()
{
    QTRY_VERIFY_WITH_TIMEOUT(requests(metrics(), {"reporter=\"destination\"", "destination_service_name=\"frontend\""}) > 0,
                             20000);
    // Traffic goes past the entry: frontend's own calls show up with frontend as the source.
    QTRY_VERIFY_WITH_TIMEOUT(requests(metrics(), {"reporter=\"source\"", "source_workload=\"frontend-v1\""}) > 0, 20000);
}

void TestDemoTraffic::configMapPatchDeploysABadVersion()
{
    const std::vector<std::string> frontendErrors = {"reporter=\"destination\"", "destination_workload=\"frontend-v1\"",
                                                     "response_code=\"500\""};
    const std::vector<std::string> frontendAll = {"reporter=\"destination\"", "destination_workload=\"frontend-v1\""};
    const std::string before = metrics();
    const Result patch = kubectl({QStringLiteral("patch"), QStringLiteral("configmap"),
                                  QString::fromLatin1(democluster::Scenario::TrafficConfigMap), QStringLiteral("--type"),
                                  QStringLiteral("merge"), QStringLiteral("-p"),
                                  QStringLiteral(R"({"data":{"profiles":"- {service: frontend, version: v1, errorRate: 1}"}})")});
    QVERIFY2(patch.exitCode == 0, qPrintable(patch.err));
    // From the next step on every frontend request fails: errors grow as fast as requests do.
    double newRequests = 0;
    double newErrors = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const std::string now = metrics();
            newRequests = requests(now, frontendAll) - requests(before, frontendAll);
            newErrors = requests(now, frontendErrors) - requests(before, frontendErrors);
            return newRequests >= 300;
        }(),
        30000);
    // The requests of the step that was running when the patch arrived may still succeed.
    QVERIFY2(newErrors / newRequests > 0.8, qPrintable(QStringLiteral("%1 of %2").arg(newErrors).arg(newRequests)));
    QTRY_VERIFY_WITH_TIMEOUT(kubectl({QStringLiteral("get"), QStringLiteral("events")})
                                 .out.contains(QStringLiteral("TrafficSettingsApplied")),
                             10000);

    // Undo: an empty profile list brings the scenario's profile back.
    const Result undo = kubectl({QStringLiteral("patch"), QStringLiteral("configmap"),
                                 QString::fromLatin1(democluster::Scenario::TrafficConfigMap), QStringLiteral("--type"),
                                 QStringLiteral("merge"), QStringLiteral("-p"), QStringLiteral(R"({"data":{"profiles":"[]"}})")});
    QVERIFY2(undo.exitCode == 0, qPrintable(undo.err));
    QTest::qWait(500);
    const std::string after = metrics();
    QTRY_VERIFY_WITH_TIMEOUT(requests(metrics(), frontendAll) - requests(after, frontendAll) >= 300, 30000);
    const std::string later = metrics();
    const double errors = requests(later, frontendErrors) - requests(after, frontendErrors);
    const double all = requests(later, frontendAll) - requests(after, frontendAll);
    QVERIFY2(errors / all < 0.2, qPrintable(QStringLiteral("%1 of %2").arg(errors).arg(all)));
}

void TestDemoTraffic::invalidConfigMapIsReportedAsAnEvent()
{
    const Result patch = kubectl({QStringLiteral("patch"), QStringLiteral("configmap"),
                                  QString::fromLatin1(democluster::Scenario::TrafficConfigMap), QStringLiteral("--type"),
                                  QStringLiteral("merge"), QStringLiteral("-p"),
                                  QStringLiteral(R"({"data":{"requestsPerSecond":"lots"}})")});
    QVERIFY2(patch.exitCode == 0, qPrintable(patch.err));
    QString events;
    QTRY_VERIFY_WITH_TIMEOUT((events = kubectl({QStringLiteral("get"), QStringLiteral("events")}).out)
                                 .contains(QStringLiteral("InvalidTrafficSettings")),
                             10000);
    QVERIFY2(events.contains(QStringLiteral("requestsPerSecond must be a number")), qPrintable(events));
    QVERIFY2(events.contains(QStringLiteral("configmap/meshdeck-demo-traffic")), qPrintable(events));
    // Ignored: traffic keeps flowing at the previous rate.
    const std::vector<std::string> entry = {"reporter=\"source\"", "source_workload=\"istio-ingressgateway\""};
    const double before = requests(metrics(), entry);
    QTRY_VERIFY_WITH_TIMEOUT(requests(metrics(), entry) - before >= 100, 10000);
}

QTEST_GUILESS_MAIN(TestDemoTraffic)
#include "tst_demotraffic.moc"

// SPDX-License-Identifier: Apache-2.0
// The real meshdeck-democluster binary under the real kubectl: if kubectl cannot tell it from a
// cluster, neither can MeshDeck.

#include <httplib.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString Kubectl = QStringLiteral("/usr/bin/kubectl");

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestKubectl : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void getPods();
    void getPodsPrintsServerSideColumns();
    void getVirtualServicesPrintsHosts();
    void getVirtualServicesAsJson();
    void mergePatchShowsUp();
    void admissionRefusesNegativeWeight();
    void missingObjectIsNotFound();
    void watchSeesAnotherClientsChange();
    void applyEverySampleTwice();
    void replaceWithStaleVersionConflicts();
    void deleteRemoves();
    void metricsEndpointServesIstioMetrics();
    void kubeconfigIsPrivate();
    void kubeconfigHasAdminAndViewerContexts();
    void authCanIAnswersPerUser();
    void authWhoAmINamesEachUser();
    void viewerPatchIsForbidden();

private:
    Result kubectl(const QStringList& arguments);
    void prepare(QProcess& process);

    QTemporaryDir m_dir;
    QProcess m_cluster;
    QString m_kubeconfig;
    QString m_metricsUrl;
    QString m_stderr;
};

void TestKubectl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFile::exists(Kubectl))
        QSKIP("kubectl is not installed (/usr/bin/kubectl)");
    m_kubeconfig = m_dir.filePath(QStringLiteral("kubeconfig"));
    m_cluster.start(QStringLiteral(MESHDECK_DEMOCLUSTER_BIN),
                    {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--kubeconfig-out"), m_kubeconfig,
                     QStringLiteral("--prometheus"), QStringLiteral("off")});
    QVERIFY2(m_cluster.waitForStarted(10000), qPrintable(m_cluster.errorString()));

    QString readyLine;
    QElapsedTimer timer;
    timer.start();
    while (!m_cluster.canReadLine() && timer.elapsed() < 30000 && m_cluster.state() == QProcess::Running)
        m_cluster.waitForReadyRead(200);
    m_stderr = QString::fromUtf8(m_cluster.readAllStandardError());
    QVERIFY2(m_cluster.canReadLine(), qPrintable(QStringLiteral("no ready line; stderr: ") + m_stderr));
    readyLine = QString::fromUtf8(m_cluster.readLine()).trimmed();
    const QRegularExpression ready(QStringLiteral(
        R"(^meshdeck-democluster: ready server=https://127\.0\.0\.1:(\d+) kubeconfig=(\S+) prometheus=off$)"));
    const auto match = ready.match(readyLine);
    QVERIFY2(match.hasMatch(), qPrintable(readyLine));
    QCOMPARE(match.captured(2), m_kubeconfig);

    const QRegularExpression metrics(QStringLiteral(R"(sidecar metrics at (http://127\.0\.0\.1:\d+/metrics))"));
    const auto metricsMatch = metrics.match(m_stderr);
    QVERIFY2(metricsMatch.hasMatch(), qPrintable(m_stderr));
    m_metricsUrl = metricsMatch.captured(1);
}

void TestKubectl::cleanupTestCase()
{
    if (m_cluster.state() != QProcess::Running)
        return;
    m_cluster.terminate(); // SIGTERM: must stop cleanly with exit code 0
    QVERIFY(m_cluster.waitForFinished(15000));
    QCOMPARE(m_cluster.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_cluster.exitCode(), 0);
}

void TestKubectl::prepare(QProcess& process)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KUBECACHEDIR"), m_dir.filePath(QStringLiteral("kubecache")));
    environment.insert(QStringLiteral("HOME"), m_dir.path()); // no ~/.kube of the developer's
    environment.remove(QStringLiteral("KUBECONFIG"));
    process.setProcessEnvironment(environment);
}

Result TestKubectl::kubectl(const QStringList& arguments)
{
    QProcess process;
    prepare(process);
    process.start(Kubectl, QStringList{QStringLiteral("--kubeconfig"), m_kubeconfig} + arguments);
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

void TestKubectl::getPods()
{
    const Result result = kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("bookinfo")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    for (const char* deployment : {"productpage-v1", "details-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"}) {
        const QRegularExpression pod(QStringLiteral("(^|\\n)") + QLatin1String(deployment)
                                     + QStringLiteral("-[0-9a-f]{10}-[a-z0-9]{5}\\s"));
        QVERIFY2(pod.match(result.out).hasMatch(), qPrintable(QLatin1String(deployment) + QStringLiteral(" missing in:\n") + result.out));
    }
}

void TestKubectl::getPodsPrintsServerSideColumns()
{
    const Result result = kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("bookinfo")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QStringList lines = result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(QRegularExpression(QStringLiteral("^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE$")).match(lines.value(0)).hasMatch(),
             qPrintable(result.out));
    QCOMPARE(lines.size(), 7); // the header and six pods
    const QRegularExpression row(QStringLiteral("^reviews-v2-[0-9a-f]{10}-[a-z0-9]{5}\\s+2/2\\s+Running\\s+0\\s+\\d+[smh]"));
    QVERIFY2(std::any_of(lines.begin(), lines.end(), [&](const QString& line) { return row.match(line).hasMatch(); }),
             qPrintable(result.out));

    const Result services = kubectl({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("-n"), QStringLiteral("bookinfo")});
    QVERIFY2(services.exitCode == 0, qPrintable(services.err));
    QVERIFY2(QRegularExpression(QStringLiteral("(^|\\n)reviews\\s+ClusterIP\\s+10\\.96\\.\\d+\\.\\d+\\s+<none>\\s+9080/TCP\\s"))
                 .match(services.out).hasMatch(),
             qPrintable(services.out));
    const Result deployments = kubectl({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("-n"), QStringLiteral("bookinfo")});
    QVERIFY2(deployments.out.startsWith(QStringLiteral("NAME")) && deployments.out.contains(QStringLiteral("UP-TO-DATE")),
             qPrintable(deployments.out + deployments.err));
}

void TestKubectl::getVirtualServicesPrintsHosts()
{
    const Result result = kubectl({QStringLiteral("get"), QStringLiteral("vs,dr"), QStringLiteral("-n"), QStringLiteral("bookinfo")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(QRegularExpression(QStringLiteral("NAME\\s+GATEWAYS\\s+HOSTS\\s+AGE")).match(result.out).hasMatch(), qPrintable(result.out));
    QVERIFY2(QRegularExpression(QStringLiteral("virtualservice\\.networking\\.istio\\.io/ratings\\s+\\[\"ratings\"\\]\\s+\\d+[smh]"))
                 .match(result.out).hasMatch(),
             qPrintable(result.out));
    QVERIFY2(QRegularExpression(QStringLiteral("NAME\\s+HOST\\s+AGE")).match(result.out).hasMatch(), qPrintable(result.out));
    QVERIFY2(QRegularExpression(QStringLiteral("destinationrule\\.networking\\.istio\\.io/reviews\\s+reviews\\s+\\d+[smh]"))
                 .match(result.out).hasMatch(),
             qPrintable(result.out));
}

void TestKubectl::getVirtualServicesAsJson()
{
    const Result result = kubectl({QStringLiteral("get"), QStringLiteral("virtualservices"), QStringLiteral("-o"),
                                   QStringLiteral("json"), QStringLiteral("-n"), QStringLiteral("bookinfo")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject list = QJsonDocument::fromJson(result.out.toUtf8()).object();
    const QJsonArray items = list.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 4);
    QStringList names;
    for (const auto& item : items) {
        const QJsonObject object = item.toObject();
        const QString name = object[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        names << name;
        if (name != QStringLiteral("reviews"))
            continue;
        const QJsonArray route = object[QStringLiteral("spec")][QStringLiteral("http")][0][QStringLiteral("route")].toArray();
        QCOMPARE(route.size(), 1);
        QCOMPARE(route[0][QStringLiteral("destination")][QStringLiteral("subset")].toString(), QStringLiteral("v1"));
    }
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("details"), QStringLiteral("productpage"), QStringLiteral("ratings"),
                                 QStringLiteral("reviews")}));
}

void TestKubectl::mergePatchShowsUp()
{
    const QString patch = QStringLiteral(
        R"({"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":80},)"
        R"({"destination":{"host":"reviews","subset":"v2"},"weight":20}]}]}})");
    const Result patched = kubectl({QStringLiteral("patch"), QStringLiteral("virtualservice"), QStringLiteral("reviews"),
                                    QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("--type"),
                                    QStringLiteral("merge"), QStringLiteral("-p"), patch});
    QVERIFY2(patched.exitCode == 0, qPrintable(patched.err));
    QVERIFY2(patched.out.contains(QStringLiteral("virtualservice.networking.istio.io/reviews patched")), qPrintable(patched.out));

    const Result read = kubectl({QStringLiteral("get"), QStringLiteral("vs"), QStringLiteral("reviews"), QStringLiteral("-n"),
                                 QStringLiteral("bookinfo"), QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(read.exitCode == 0, qPrintable(read.err));
    const QJsonObject object = QJsonDocument::fromJson(read.out.toUtf8()).object();
    const QJsonArray route = object[QStringLiteral("spec")][QStringLiteral("http")][0][QStringLiteral("route")].toArray();
    QCOMPARE(route.size(), 2);
    QCOMPARE(route[0][QStringLiteral("weight")].toInt(), 80);
    QCOMPARE(route[1][QStringLiteral("destination")][QStringLiteral("subset")].toString(), QStringLiteral("v2"));
    QCOMPARE(route[1][QStringLiteral("weight")].toInt(), 20);
    QCOMPARE(object[QStringLiteral("metadata")][QStringLiteral("generation")].toInt(), 2);
}

void TestKubectl::admissionRefusesNegativeWeight()
{
    const QString patch = QStringLiteral(
        R"({"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":-10},)"
        R"({"destination":{"host":"reviews","subset":"v2"},"weight":110}]}]}})");
    const Result refused = kubectl({QStringLiteral("patch"), QStringLiteral("vs"), QStringLiteral("reviews"), QStringLiteral("-n"),
                                    QStringLiteral("bookinfo"), QStringLiteral("--type=merge"), QStringLiteral("-p"), patch});
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.err.contains(QStringLiteral(
                 "admission webhook \"validation.istio.io\" denied the request: configuration is invalid: weight -10 < 0")),
             qPrintable(refused.err));
}

void TestKubectl::missingObjectIsNotFound()
{
    const Result result = kubectl({QStringLiteral("get"), QStringLiteral("vs"), QStringLiteral("nope"), QStringLiteral("-n"),
                                   QStringLiteral("bookinfo")});
    QVERIFY(result.exitCode != 0);
    QVERIFY2(result.err.contains(QStringLiteral("(NotFound): virtualservices.networking.istio.io \"nope\" not found")),
             qPrintable(result.err));
}

void TestKubectl::watchSeesAnotherClientsChange()
{
    QProcess watcher;
    prepare(watcher);
    watcher.start(Kubectl, {QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("get"), QStringLiteral("vs"),
                            QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("-w"),
                            QStringLiteral("--output-watch-events"), QStringLiteral("--request-timeout=60s")});
    QVERIFY(watcher.waitForStarted(10000));
    QString out;
    const auto readSome = [&] {
        watcher.waitForReadyRead(100);
        out += QString::fromUtf8(watcher.readAllStandardOutput());
    };
    // The list comes first (as ADDED rows); the change must come after it to prove the watch.
    QTRY_VERIFY2_WITH_TIMEOUT((readSome(), out.contains(QStringLiteral("ratings"))), qPrintable(out), 30000);

    const Result patched = kubectl({QStringLiteral("patch"), QStringLiteral("vs"), QStringLiteral("ratings"),
                                    QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("--type=merge"),
                                    QStringLiteral("-p"), QStringLiteral(R"({"metadata":{"labels":{"watched":"yes"}}})")});
    QVERIFY2(patched.exitCode == 0, qPrintable(patched.err));
    const QRegularExpression modified(QStringLiteral("(^|\\n)MODIFIED\\s+ratings\\s+\\[\"ratings\"\\]\\s"));
    QTRY_VERIFY2_WITH_TIMEOUT((readSome(), modified.match(out).hasMatch()), qPrintable(out), 30000);
    QVERIFY2(out.startsWith(QStringLiteral("EVENT")), qPrintable(out));
    watcher.kill();
    watcher.waitForFinished(5000);
}

void TestKubectl::applyEverySampleTwice()
{
    // A namespace of its own: the bookinfo one holds the same objects without kubectl's annotation.
    // Applied, not `kubectl create namespace`: that one sends protobuf, which this server does not read.
    const QString namespaceFile = m_dir.filePath(QStringLiteral("namespace.yaml"));
    QFile manifest(namespaceFile);
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: applied\n");
    manifest.close();
    const Result created = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), namespaceFile});
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    const QDir samples(QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples"));
    const QStringList files = samples.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 5);
    for (const QString& file : files) {
        const QStringList apply = {QStringLiteral("apply"), QStringLiteral("-n"), QStringLiteral("applied"),
                                   QStringLiteral("-f"), samples.filePath(file)};
        const Result first = kubectl(apply);
        QVERIFY2(first.exitCode == 0, qPrintable(file + QStringLiteral(": ") + first.err));
        QVERIFY2(QRegularExpression(QStringLiteral(" (created|configured)$"), QRegularExpression::MultilineOption)
                     .match(first.out).hasMatch(),
                 qPrintable(file + QStringLiteral(": ") + first.out));
        const Result second = kubectl(apply);
        QVERIFY2(second.exitCode == 0, qPrintable(file + QStringLiteral(": ") + second.err));
        const QStringList lines = second.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        for (const QString& line : lines)
            QVERIFY2(line.endsWith(QStringLiteral(" unchanged")), qPrintable(file + QStringLiteral(": ") + second.out));
    }
    // The last file applied changed reviews to 80/20 over the all-v1 version: a merge patch.
    const Result read = kubectl({QStringLiteral("get"), QStringLiteral("vs"), QStringLiteral("reviews"), QStringLiteral("-n"),
                                 QStringLiteral("applied"), QStringLiteral("-o"), QStringLiteral("json")});
    const QJsonObject object = QJsonDocument::fromJson(read.out.toUtf8()).object();
    QCOMPARE(object[QStringLiteral("spec")][QStringLiteral("http")][0][QStringLiteral("route")][1][QStringLiteral("weight")].toInt(), 20);
    QVERIFY(object[QStringLiteral("metadata")][QStringLiteral("annotations")][QStringLiteral("kubectl.kubernetes.io/last-applied-configuration")]
                .isString());
    const Result pods = kubectl({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("-n"), QStringLiteral("applied")});
    QVERIFY2(pods.out.contains(QStringLiteral("reviews-v3")), qPrintable(pods.out + pods.err));
}

void TestKubectl::replaceWithStaleVersionConflicts()
{
    const Result read = kubectl({QStringLiteral("get"), QStringLiteral("dr"), QStringLiteral("ratings"), QStringLiteral("-n"),
                                 QStringLiteral("bookinfo"), QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(read.exitCode == 0, qPrintable(read.err));
    const QString file = m_dir.filePath(QStringLiteral("ratings-dr.json"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(read.out.toUtf8());
    out.close();
    const Result first = kubectl({QStringLiteral("label"), QStringLiteral("dr"), QStringLiteral("ratings"), QStringLiteral("-n"),
                                  QStringLiteral("bookinfo"), QStringLiteral("moved=on")});
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    const Result stale = kubectl({QStringLiteral("replace"), QStringLiteral("-f"), file});
    QVERIFY(stale.exitCode != 0);
    QVERIFY2(stale.err.contains(QStringLiteral("the object has been modified; please apply your changes to the latest version")),
             qPrintable(stale.err));
}

void TestKubectl::deleteRemoves()
{
    const Result deleted = kubectl({QStringLiteral("delete"), QStringLiteral("-n"), QStringLiteral("applied"), QStringLiteral("-f"),
                                    QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples/destination-rule-all.yaml")});
    QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.err));
    QVERIFY2(deleted.out.contains(QStringLiteral("destinationrule.networking.istio.io \"reviews\" deleted")), qPrintable(deleted.out));
    const Result gone = kubectl({QStringLiteral("get"), QStringLiteral("dr"), QStringLiteral("-n"), QStringLiteral("applied")});
    QVERIFY2(gone.err.contains(QStringLiteral("No resources found in applied namespace.")), qPrintable(gone.out + gone.err));
}

void TestKubectl::metricsEndpointServesIstioMetrics()
{
    const QUrl url(m_metricsUrl);
    httplib::Client client(url.host().toStdString(), url.port());
    std::string body;
    // The simulator ticks every 100 ms; give it a moment to have traffic to show.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto response = client.Get("/metrics");
            body = response && response->status == 200 ? response->body : std::string();
            return body.find("istio_requests_total{reporter=\"destination\"") != std::string::npos;
        }(),
        10000);
    QVERIFY(body.find("destination_service=\"productpage.bookinfo.svc.cluster.local\"") != std::string::npos);
    QVERIFY(body.find("istio_request_duration_milliseconds_bucket{") != std::string::npos);
}

void TestKubectl::kubeconfigIsPrivate()
{
    const QFile::Permissions permissions = QFile(m_kubeconfig).permissions();
    QVERIFY(permissions.testFlag(QFileDevice::ReadOwner));
    QVERIFY(!permissions.testFlag(QFileDevice::ReadGroup));
    QVERIFY(!permissions.testFlag(QFileDevice::ReadOther));
    QFile file(m_kubeconfig);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QVERIFY(text.contains(QStringLiteral("current-context: meshdeck-demo")));
    QVERIFY(text.contains(QStringLiteral("certificate-authority-data:")));
    QVERIFY(text.contains(QStringLiteral("namespace: bookinfo")));
}

void TestKubectl::kubeconfigHasAdminAndViewerContexts()
{
    const Result result = kubectl({QStringLiteral("config"), QStringLiteral("get-contexts"), QStringLiteral("-o"), QStringLiteral("name")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out, QStringLiteral("meshdeck-demo\nmeshdeck-demo-viewer\n"));
}

void TestKubectl::authCanIAnswersPerUser()
{
    const QStringList question = {QStringLiteral("auth"), QStringLiteral("can-i"), QStringLiteral("patch"),
                                  QStringLiteral("virtualservices"), QStringLiteral("-n"), QStringLiteral("bookinfo")};
    const Result admin = kubectl(QStringList{QStringLiteral("--context"), QStringLiteral("meshdeck-demo")} + question);
    QCOMPARE(admin.out, QStringLiteral("yes\n"));
    QVERIFY2(admin.exitCode == 0, qPrintable(admin.err));
    const Result viewer = kubectl(QStringList{QStringLiteral("--context"), QStringLiteral("meshdeck-demo-viewer")} + question);
    QCOMPARE(viewer.out, QStringLiteral("no\n"));
    QCOMPARE(viewer.exitCode, 1);
    const Result viewerWatch = kubectl({QStringLiteral("--context"), QStringLiteral("meshdeck-demo-viewer"), QStringLiteral("auth"),
                                        QStringLiteral("can-i"), QStringLiteral("watch"), QStringLiteral("vs"), QStringLiteral("-n"),
                                        QStringLiteral("bookinfo")});
    QCOMPARE(viewerWatch.out, QStringLiteral("yes\n"));
    QCOMPARE(viewerWatch.exitCode, 0);
}

void TestKubectl::authWhoAmINamesEachUser()
{
    const Result admin = kubectl({QStringLiteral("--context"), QStringLiteral("meshdeck-demo"), QStringLiteral("auth"), QStringLiteral("whoami")});
    QVERIFY2(admin.exitCode == 0, qPrintable(admin.err));
    QVERIFY2(QRegularExpression(QStringLiteral(R"(^ATTRIBUTE\s+VALUE\nUsername\s+meshdeck-admin\nGroups\s+\[system:masters system:authenticated\]\n$)"))
                 .match(admin.out)
                 .hasMatch(),
             qPrintable(admin.out));
    const Result viewer = kubectl({QStringLiteral("--context"), QStringLiteral("meshdeck-demo-viewer"), QStringLiteral("auth"),
                                   QStringLiteral("whoami"), QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(viewer.exitCode == 0, qPrintable(viewer.err));
    const QJsonObject userInfo = QJsonDocument::fromJson(viewer.out.toUtf8()).object()[QStringLiteral("status")].toObject()[QStringLiteral("userInfo")].toObject();
    QCOMPARE(userInfo[QStringLiteral("username")].toString(), QStringLiteral("meshdeck-viewer"));
}

void TestKubectl::viewerPatchIsForbidden()
{
    const Result result = kubectl({QStringLiteral("--context"), QStringLiteral("meshdeck-demo-viewer"), QStringLiteral("patch"),
                                   QStringLiteral("vs"), QStringLiteral("reviews"), QStringLiteral("--type"), QStringLiteral("merge"),
                                   QStringLiteral("-p"), QStringLiteral(R"({"metadata":{"labels":{"viewer":"was-here"}}})")});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err,
             QStringLiteral("Error from server (Forbidden): virtualservices.networking.istio.io \"reviews\" is forbidden: User "
                            "\"meshdeck-viewer\" cannot patch resource \"virtualservices\" in API group \"networking.istio.io\" in "
                            "the namespace \"bookinfo\"\n"));
    const Result labels = kubectl({QStringLiteral("get"), QStringLiteral("vs"), QStringLiteral("reviews"), QStringLiteral("-o"),
                                   QStringLiteral("jsonpath={.metadata.labels.viewer}")});
    QVERIFY2(labels.exitCode == 0, qPrintable(labels.err));
    QCOMPARE(labels.out, QString());
    // Reading is allowed.
    const Result read = kubectl({QStringLiteral("--context"), QStringLiteral("meshdeck-demo-viewer"), QStringLiteral("get"),
                                 QStringLiteral("vs"), QStringLiteral("reviews"), QStringLiteral("-o"), QStringLiteral("name")});
    QCOMPARE(read.out, QStringLiteral("virtualservice.networking.istio.io/reviews\n"));
}

QTEST_GUILESS_MAIN(TestKubectl)
#include "tst_kubectl.moc"

// SPDX-License-Identifier: Apache-2.0
// The real meshdeck-democluster binary under the real kubectl: if kubectl cannot tell it from a
// cluster, neither can MeshDeck. The broad walk through kubectl's commands (apply, the patch
// types, watch, jobs and logs, both users, a restart) is kubectl-conformance.sh; this suite keeps
// the exact-output checks that need the process itself (its ready line, exit code, kubeconfig
// file, metrics endpoint) or precise error wording.

#include <httplib.h>

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

    void getPodsPrintsServerSideColumns();
    void getVirtualServicesPrintsHosts();
    void admissionRefusesNegativeWeight();
    void missingObjectIsNotFound();
    void replaceWithStaleVersionConflicts();
    void metricsEndpointServesIstioMetrics();
    void kubeconfigIsPrivate();
    void kubeconfigHasAdminViewerAndBookinfoContexts();
    void bookinfoUserSeesOnlyItsNamespace_data();
    void bookinfoUserSeesOnlyItsNamespace();

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

void TestKubectl::kubeconfigHasAdminViewerAndBookinfoContexts()
{
    const Result result = kubectl({QStringLiteral("config"), QStringLiteral("get-contexts"), QStringLiteral("-o"), QStringLiteral("name")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    // kubectl sorts the names; the file keeps the admin first, as the current context.
    QCOMPARE(result.out, QStringLiteral("meshdeck-demo\nmeshdeck-demo-bookinfo\nmeshdeck-demo-viewer\n"));
}

// meshdeck-bookinfo is bound like a RoleBinding in `bookinfo` would bind it: everything there is
// readable and its VirtualServices and DestinationRules editable; outside it, only the reviews
// about oneself. Each row is one kubectl command as that user, with its exit code and the words
// kubectl prints (or must not print).
void TestKubectl::bookinfoUserSeesOnlyItsNamespace_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("printed");
    QTest::addColumn<QString>("notPrinted");
    const auto args = [](const char* line) { return QString::fromLatin1(line).split(u' '); };
    QTest::newRow("rules in bookinfo") << args("auth can-i --list -n bookinfo") << 0
                                       << QStringLiteral("virtualservices.networking.istio.io             []                  []               [patch update]")
                                       << QString();
    QTest::newRow("reads everything in bookinfo") << args("auth can-i --list -n bookinfo") << 0
                                                  << QStringLiteral("*.*                                             []                  []               [get list watch]")
                                                  << QString();
    QTest::newRow("rules in default") << args("auth can-i --list -n default") << 0
                                      << QStringLiteral("selfsubjectaccessreviews.authorization.k8s.io")
                                      << QStringLiteral("*.*");
    QTest::newRow("no writes in default") << args("auth can-i --list -n default") << 0
                                          << QStringLiteral("selfsubjectrulesreviews.authorization.k8s.io")
                                          << QStringLiteral("virtualservices");
    QTest::newRow("pods of all namespaces") << args("get pods -A") << 1
                                            << QStringLiteral("pods is forbidden: User \"meshdeck-bookinfo\" cannot list resource "
                                                              "\"pods\" in API group \"\" at the cluster scope")
                                            << QString();
    QTest::newRow("namespaces") << args("get namespaces") << 1
                                << QStringLiteral("cannot list resource \"namespaces\" in API group \"\" at the cluster scope")
                                << QString();
    QTest::newRow("its own namespace") << args("get namespace bookinfo") << 0 << QStringLiteral("Active") << QString();
    QTest::newRow("pods of default") << args("-n default get pods") << 1
                                     << QStringLiteral("cannot list resource \"pods\" in API group \"\" in the namespace \"default\"")
                                     << QString();
    QTest::newRow("virtualservices of bookinfo") << args("-n bookinfo get vs") << 0 << QStringLiteral("reviews")
                                                 << QStringLiteral("Forbidden");
    QTest::newRow("patch a virtualservice") << args("-n bookinfo label vs details team=bookinfo") << 0
                                            << QStringLiteral("virtualservice.networking.istio.io/details labeled")
                                            << QString();
    QTest::newRow("delete a virtualservice") << args("-n bookinfo delete vs details") << 1
                                             << QStringLiteral("cannot delete resource \"virtualservices\"")
                                             << QString();
    QTest::newRow("patch a deployment") << args("-n bookinfo auth can-i patch deployments") << 1 << QStringLiteral("no")
                                        << QString();
    QTest::newRow("who") << args("auth whoami") << 0 << QStringLiteral("meshdeck:bookinfo-operators") << QString();
}

void TestKubectl::bookinfoUserSeesOnlyItsNamespace()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, printed);
    QFETCH(QString, notPrinted);
    const Result result = kubectl(QStringList{QStringLiteral("--context"), QStringLiteral("meshdeck-demo-bookinfo")} + arguments);
    const QString output = result.out + result.err;
    QVERIFY2(result.exitCode == exitCode, qPrintable(output));
    QVERIFY2(output.contains(printed), qPrintable(output));
    if (!notPrinted.isEmpty())
        QVERIFY2(!output.contains(notPrinted), qPrintable(output));
}

QTEST_GUILESS_MAIN(TestKubectl)
#include "tst_kubectl.moc"

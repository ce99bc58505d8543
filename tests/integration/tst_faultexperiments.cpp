// SPDX-License-Identifier: Apache-2.0
// Fault experiments on the real demo cluster, scraped by a real Prometheus, beside the real kubectl:
// the faults do to the traffic what they say, and they always revert (at expiry, on halt, when a
// guard trips, and after the MeshDeck that started them was killed).
#include "DemoClusterProcess.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"
#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentWatcher.h"
#include "models/faults/ExperimentRunner.h"
#include "models/session/ClusterSession.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

using nlohmann::json;

class TestFaultExperiments : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void delayAndAbortShowInPrometheusAndExpire();
    void headerFaultHurtsOnlyMatchingUsersAndGuardTrips();
    void blastRadius();
    void haltAllRevertsEverything();
    void revertAllBlockingForQuitting();
    void headlessCommandStopsOnSigtermAndExplainsRefusals();
    void killedMeshDeckIsReapedByTheNextOne_data();
    void killedMeshDeckIsReapedByTheNextOne();
    void cleanupTestCase();

private:
    json kubectlJson(const QStringList& arguments);
    QByteArray kubectl(const QStringList& arguments, int* exitCode = nullptr);
    json spec(const char* name) {
        return kubectlJson(
            {QStringLiteral("get"), QStringLiteral("virtualservice"), QString::fromLatin1(name)})["spec"];
    }
    std::optional<double> prometheus(const QString& promql);
    Experiment start(const ExperimentRunner::Request& request);
    ExperimentRunner::Assessment assess(const ExperimentRunner::Request& request);

    std::unique_ptr<DemoClusterProcess> m_cluster;
    std::unique_ptr<ClusterSession> m_session;
    QTemporaryDir m_dir;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<ExperimentRegistry> m_registry;
    std::unique_ptr<ExperimentWatcher> m_watcher;
    std::unique_ptr<ExperimentRunner> m_runner;
};

namespace {

ExperimentRunner::Request request(const char* service, FaultSpec::Kind kind, int value, double percentage,
                                  int seconds) {
    ExperimentRunner::Request r;
    r.namespaceName = QStringLiteral("bookinfo");
    r.service = QString::fromLatin1(service);
    r.fault.kind = kind;
    if (kind == FaultSpec::Kind::Delay)
        r.fault.delayMs = value;
    else
        r.fault.httpStatus = value;
    r.fault.percentage = percentage;
    r.duration = std::chrono::seconds(seconds);
    return r;
}

QString text(const json& value) {
    return QString::fromStdString(value.dump());
}

// The share of a service's requests, as its callers saw them, answered with `code`.
QString codeShare(const char* service, const char* code, int windowSeconds) {
    const QString selector =
        QStringLiteral("reporter=\"source\", destination_service_namespace=\"bookinfo\", "
                       "destination_service_name=\"%1\"")
            .arg(QLatin1String(service));
    return QStringLiteral("(sum(rate(istio_requests_total{%1, response_code=\"%2\"}[%3s])) or vector(0)) / "
                          "sum(rate(istio_requests_total{%1}[%3s]))")
        .arg(selector, QLatin1String(code))
        .arg(windowSeconds);
}

// reviews as its own proxy reports it: it waits for ratings, so ratings' delay is in its latency.
QString reviewsLatency(const char* version, const char* aggregate, int windowSeconds) {
    const QString selector =
        QStringLiteral("reporter=\"destination\", destination_service_namespace=\"bookinfo\", "
                       "destination_service_name=\"reviews\", destination_version=\"%1\"")
            .arg(QLatin1String(version));
    if (QLatin1String(aggregate) == QLatin1String("mean")) {
        return QStringLiteral("sum(rate(istio_request_duration_milliseconds_sum{%1}[%2s])) / "
                              "sum(rate(istio_request_duration_milliseconds_count{%1}[%2s]))")
            .arg(selector)
            .arg(windowSeconds);
    }
    return QStringLiteral("histogram_quantile(0.99, sum by (le) "
                          "(rate(istio_request_duration_milliseconds_bucket{%1}[%2s])))")
        .arg(selector)
        .arg(windowSeconds);
}

} // namespace

void TestFaultExperiments::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
    m_session = m_cluster->session();
    QVERIFY(m_session);
    m_audit = std::make_unique<AuditLog>(m_dir.filePath(QStringLiteral("audit.jsonl")));
    // Bookinfo sends reviews to v1, which never calls ratings: half to v2 and half to v3, which do.
    int exitCode = 0;
    const QByteArray patched = kubectl(
        {QStringLiteral("patch"), QStringLiteral("virtualservice"), QStringLiteral("reviews"),
         QStringLiteral("--type"), QStringLiteral("merge"), QStringLiteral("-p"),
         QStringLiteral(
             R"({"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v2"},"weight":50},)"
             R"({"destination":{"host":"reviews","subset":"v3"},"weight":50}]}]}})")},
        &exitCode);
    QVERIFY2(exitCode == 0, patched.constData());
}

void TestFaultExperiments::init() {
    m_registry = std::make_unique<ExperimentRegistry>();
    m_watcher = std::make_unique<ExperimentWatcher>(m_session.get(), m_registry.get());
    m_runner = std::make_unique<ExperimentRunner>(m_session.get(), m_audit.get(), m_registry.get());
    QTRY_VERIFY_WITH_TIMEOUT(m_registry->isSynced(), 10000);
}

void TestFaultExperiments::cleanup() {
    // A case that failed half-way leaves no fault or user mix behind for the next one to trip over.
    if (QTest::currentTestFailed()) {
        m_runner->revertAllBlocking(10000);
        kubectl({QStringLiteral("delete"), QStringLiteral("configmap"), QStringLiteral("meshdeck-demo-traffic"),
                 QStringLiteral("--ignore-not-found")});
    }
    m_runner.reset();
    m_watcher.reset();
    m_registry.reset();
}

void TestFaultExperiments::cleanupTestCase() {
    m_session.reset();
    m_cluster.reset();
}

QByteArray TestFaultExperiments::kubectl(const QStringList& arguments, int* exitCode) {
    QProcess process;
    process.start(QStringLiteral("kubectl"),
                  QStringList{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(),
                              QStringLiteral("-n"), QStringLiteral("bookinfo")} +
                      arguments);
    process.waitForFinished(30000);
    if (exitCode)
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return process.readAllStandardOutput() + process.readAllStandardError();
}

json TestFaultExperiments::kubectlJson(const QStringList& arguments) {
    int exitCode = 0;
    const QByteArray out =
        kubectl(arguments + QStringList{QStringLiteral("-o"), QStringLiteral("json")}, &exitCode);
    if (exitCode != 0)
        qWarning("kubectl %s: %s", qPrintable(arguments.join(u' ')), out.constData());
    return exitCode == 0 ? json::parse(out.toStdString(), nullptr, false) : json();
}

std::optional<double> TestFaultExperiments::prometheus(const QString& promql) {
    std::optional<kube::PromResult> answer;
    m_session->prometheus().query(promql.toStdString(), [&](kube::PromResult r) { answer = std::move(r); });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000) || !answer->error.ok() ||
        answer->series.empty() || answer->series.front().samples.empty())
        return std::nullopt;
    const double value = answer->series.front().samples.back().value;
    return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

Experiment TestFaultExperiments::start(const ExperimentRunner::Request& r) {
    QSignalSpy started(m_runner.get(), &ExperimentRunner::started);
    QSignalSpy failed(m_runner.get(), &ExperimentRunner::failed);
    m_runner->start(r);
    if (!QTest::qWaitFor([&] { return !started.isEmpty() || !failed.isEmpty(); }, 15000) ||
        started.isEmpty()) {
        qWarning("%s", failed.isEmpty() ? "no answer" : qPrintable(failed.first().first().toString()));
        return {};
    }
    return started.first().first().value<Experiment>();
}

ExperimentRunner::Assessment TestFaultExperiments::assess(const ExperimentRunner::Request& r) {
    std::optional<ExperimentRunner::Assessment> answer;
    m_runner->assess(r, [&](const ExperimentRunner::Assessment& a) { answer = a; });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 15000))
        qWarning("no assessment within 15 s");
    return answer.value_or(ExperimentRunner::Assessment{QStringLiteral("no answer"), {}, {}});
}

void TestFaultExperiments::delayAndAbortShowInPrometheusAndExpire() {
    const json ratingsBefore = spec("ratings");
    const json detailsBefore = spec("details");
    // reviews' latency before the fault, once Prometheus has some of it.
    std::optional<double> baseline;
    QTRY_VERIFY_WITH_TIMEOUT((baseline = prometheus(reviewsLatency("v2", "mean", 10))).has_value(), 30000);

    // Two experiments at once, on two services: a 2 s delay on every request to ratings, and an
    // abort with 503 of half the requests to details.
    constexpr int DelayMs = 2000;
    QSignalSpy reverted(m_runner.get(), &ExperimentRunner::reverted);
    QMap<QString, qint64> lateness; // ms from expiry to the revert's answer
    const QObject scope;            // disconnects the lambda when this function returns
    connect(m_runner.get(), &ExperimentRunner::reverted, &scope, [&lateness](const Experiment& e) {
        lateness.insert(e.id, e.expiresAt.msecsTo(QDateTime::currentDateTimeUtc()));
    });
    const Experiment delay = start(request("ratings", FaultSpec::Kind::Delay, DelayMs, 100, 14));
    const Experiment abort = start(request("details", FaultSpec::Kind::Abort, 503, 50, 14));
    QVERIFY(!delay.id.isEmpty());
    QVERIFY(!abort.id.isEmpty());
    QCOMPARE(delay.owner, m_session->identity());

    // kubectl sees the fault and the record while it runs.
    const json ratings =
        kubectlJson({QStringLiteral("get"), QStringLiteral("virtualservice"), QStringLiteral("ratings")});
    QCOMPARE(
        QString::fromStdString(ratings["spec"]["http"][0]["fault"]["delay"]["fixedDelay"].get<std::string>()),
        QStringLiteral("2s"));
    QCOMPARE(ratings["spec"]["http"][0]["fault"]["delay"]["percentage"]["value"].get<double>(), 100.0);
    const std::string key = "meshdeck.io/experiment-" + delay.id.toStdString();
    QVERIFY2(ratings["metadata"]["annotations"].contains(key), ratings["metadata"].dump().c_str());
    QVERIFY(ratings["metadata"]["annotations"][key].get<std::string>().find("\"expiresAt\"") !=
            std::string::npos);
    QTRY_VERIFY_WITH_TIMEOUT(m_registry->find(delay.id).has_value() && m_registry->find(abort.id).has_value(),
                             10000);

    // Measured over windows that lie wholly inside the experiments (the scrape is every second).
    constexpr int Window = 5;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > abort.startedAt.addSecs(Window + 1), 15000);
    // reviews v2 and v3 wait for ratings: their latency rises by about the delay.
    const std::optional<double> during = prometheus(reviewsLatency("v2", "mean", Window));
    QVERIFY(during);
    QVERIFY2(*during - *baseline > 0.85 * DelayMs && *during - *baseline < 1.15 * DelayMs,
             qPrintable(QString::number(*during)));
    for (const char* version : {"v2", "v3"}) {
        const std::optional<double> p99 = prometheus(reviewsLatency(version, "p99", Window));
        QVERIFY(p99);
        // Envoy's buckets around 2 s are 1000 and 2500 ms: the p99 lies in the bucket above the delay.
        QVERIFY2(*p99 >= DelayMs && *p99 <= 2500, qPrintable(QString::number(*p99)));
        qInfo("reviews %s during a 2 s delay on ratings: p99 %.0f ms (mean of v2 %.0f ms before, %.0f ms "
              "during)",
              version, *p99, *baseline, *during);
    }
    // About half of details' requests fail with 503, as its caller sees them.
    const std::optional<double> share = prometheus(codeShare("details", "503", Window));
    QVERIFY(share);
    // About 100 requests in the window: 50 % ± 3 standard deviations.
    QVERIFY2(*share > 0.30 && *share < 0.70, qPrintable(QString::number(*share)));
    qInfo("details answered 503 to %.1f %% of requests during an abort at 50 %%", *share * 100);

    // Both revert on expiry, by themselves, to exactly what they were.
    QTRY_COMPARE_WITH_TIMEOUT(reverted.size(), 2, 20000);
    for (const QList<QVariant>& signal : std::as_const(reverted)) {
        const Experiment e = signal.at(0).value<Experiment>();
        QCOMPARE(signal.at(1).toString(), QStringLiteral("expired"));
        qInfo("%s reverted %lld ms after its expiry", qPrintable(e.id), lateness.value(e.id));
    }
    QCOMPARE(text(spec("ratings")), text(ratingsBefore));
    QCOMPARE(text(spec("details")), text(detailsBefore));
    const json after =
        kubectlJson({QStringLiteral("get"), QStringLiteral("virtualservice"), QStringLiteral("ratings")});
    QVERIFY(!after["metadata"].contains("annotations") || !after["metadata"]["annotations"].contains(key));
    QTRY_VERIFY_WITH_TIMEOUT(m_registry->experiments().isEmpty(), 10000);

    // Each start and revert is in the audit log, as the charts read it.
    QStringList actions;
    for (int row = 0; row < m_audit->rowCount(); ++row) {
        const AuditEntry& entry = m_audit->entry(row);
        if (entry.summary.startsWith(delay.id + QStringLiteral(": "))) {
            actions.append(entry.action);
            QCOMPARE(entry.service, QStringLiteral("ratings"));
            QCOMPARE(entry.kind, QStringLiteral("VirtualService"));
            QVERIFY(!entry.before.isEmpty() && !entry.after.isEmpty());
        }
    }
    QCOMPARE(actions, (QStringList{QStringLiteral("fault started"), QStringLiteral("fault reverted")}));
}

void TestFaultExperiments::headerFaultHurtsOnlyMatchingUsersAndGuardTrips() {
    // A quarter of the simulated users are testers, who carry `end-user: tester` all the way down.
    int exitCode = 0;
    const QByteArray patched = kubectl(
        {QStringLiteral("patch"), QStringLiteral("configmap"), QStringLiteral("meshdeck-demo-traffic"),
         QStringLiteral("--type"), QStringLiteral("merge"), QStringLiteral("-p"),
         QStringLiteral(R"({"data":{"users":"- {share: 0.25, headers: {end-user: tester}}"}})")},
        &exitCode);
    QVERIFY2(exitCode == 0, patched.constData());
    const json ratingsBefore = spec("ratings");

    // Testers' requests to ratings all fail; nobody else's do.
    ExperimentRunner::Request testers = request("ratings", FaultSpec::Kind::Abort, 503, 100, 60);
    testers.fault.scope = FaultSpec::Scope::Header;
    testers.fault.headerName = QStringLiteral("end-user");
    testers.fault.headerValue = QStringLiteral("tester");
    // Meanwhile details fails outright, guarded by its success rate: the guard stops it.
    ExperimentRunner::Request guarded = request("details", FaultSpec::Kind::Abort, 503, 100, 60);
    guarded.guards = {{GuardCondition::Metric::SuccessRateBelow, QStringLiteral("details"), 80}};
    QSignalSpy reverted(m_runner.get(), &ExperimentRunner::reverted);
    const Experiment header = start(testers);
    const Experiment guard = start(guarded);
    QVERIFY(!header.id.isEmpty() && !guard.id.isEmpty());

    const json ratings = spec("ratings");
    QCOMPARE(QString::fromStdString(ratings["http"][0]["name"].get<std::string>()),
             QStringLiteral("meshdeck-fault-") + header.id);
    QCOMPARE(text(ratings["http"][0]["match"]),
             text(json::parse(R"([{"headers":{"end-user":{"exact":"tester"}}}])")));

    // Over a window wholly inside the experiment, the 503 share of ratings is the testers' share:
    // far from every request, and far from none.
    constexpr int Window = 8;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > header.startedAt.addSecs(Window + 1), 15000);
    const std::optional<double> share = prometheus(codeShare("ratings", "503", Window));
    QVERIFY(share);
    QVERIFY2(*share > 0.12 && *share < 0.40, qPrintable(QString::number(*share)));
    qInfo("ratings answered 503 to %.1f %% of requests with testers at 25 %% of users", *share * 100);

    // The guard trips and says why, long before the experiment's hour is up.
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(reverted.cbegin(), reverted.cend(),
                    [&](const QList<QVariant>& s) { return s.at(0).value<Experiment>().id == guard.id; }),
        30000);
    for (const QList<QVariant>& s : std::as_const(reverted)) {
        if (s.at(0).value<Experiment>().id == guard.id) {
            QVERIFY2(s.at(1).toString().startsWith(QStringLiteral("guard: success rate of details ")),
                     qPrintable(s.at(1).toString()));
            QVERIFY2(s.at(1).toString().endsWith(QStringLiteral(" % < 80 %")),
                     qPrintable(s.at(1).toString()));
            qInfo("reverted because %s", qPrintable(s.at(1).toString()));
        }
    }
    QVERIFY(m_registry->find(header.id).has_value()); // the header experiment runs on

    m_runner->stop(header.id);
    QTRY_COMPARE_WITH_TIMEOUT(reverted.size(), 2, 10000);
    QCOMPARE(reverted.last().at(1).toString(), QStringLiteral("stopped"));
    QCOMPARE(text(spec("ratings")), text(ratingsBefore));
    kubectl({QStringLiteral("delete"), QStringLiteral("configmap"),
             QStringLiteral("meshdeck-demo-traffic")}); // back to the scenario's users
}

void TestFaultExperiments::blastRadius() {
    // A namespace that has not opted in is refused, with the command that opts it in.
    ExperimentRunner::Request elsewhere = request("ratings", FaultSpec::Kind::Delay, 100, 10, 60);
    elsewhere.namespaceName = QStringLiteral("default");
    QCOMPARE(assess(elsewhere).refusal,
             QStringLiteral("namespace default has not opted into fault experiments; to opt in: kubectl "
                            "label namespace default meshdeck.io/chaos=enabled"));
    // bookinfo has: a small fault on ratings needs nothing more.
    const ExperimentRunner::Assessment small =
        assess(request("ratings", FaultSpec::Kind::Delay, 100, 10, 60));
    QVERIFY2(small.refusal.isEmpty(), qPrintable(small.refusal));
    QVERIFY2(small.confirmations.isEmpty(), qPrintable(small.confirmations.join(u'\n')));
    QVERIFY(small.mayStart());
    // More than half the requests, and a service every page view calls, ask first.
    ExperimentRunner::Request wideRequest = request("ratings", FaultSpec::Kind::Delay, 100, 60, 60);
    const ExperimentRunner::Assessment wide = assess(wideRequest);
    QCOMPARE(wide.confirmations.size(), 1);
    QVERIFY2(wide.confirmations.first().contains(QStringLiteral("60 %")),
             qPrintable(wide.confirmations.first()));
    // ...unless only a tester's own requests are hit.
    wideRequest.fault.scope = FaultSpec::Scope::Header;
    wideRequest.fault.headerName = QStringLiteral("end-user");
    wideRequest.fault.headerValue = QStringLiteral("tester");
    QVERIFY(assess(wideRequest).confirmations.isEmpty());
    const ExperimentRunner::Assessment reviews =
        assess(request("reviews", FaultSpec::Kind::Delay, 100, 10, 60));
    // On failure, say what Prometheus saw: productpage's requests and its calls to reviews.
    const auto perRequest = [this, &reviews] {
        return QStringLiteral("confirmations: [%1]; Prometheus: productpage %2 requests/s, %3 calls/s to reviews")
            .arg(reviews.confirmations.join(QStringLiteral("; ")),
                 QString::number(prometheus(QStringLiteral(
                                                "sum(rate(istio_requests_total{reporter=\"destination\", "
                                                "destination_service_name=\"productpage\"}[1m]))"))
                                     .value_or(-1)),
                 QString::number(prometheus(QStringLiteral(
                                                "sum(rate(istio_requests_total{reporter=\"source\", "
                                                "source_canonical_service=\"productpage\", "
                                                "destination_service_name=\"reviews\"}[1m]))"))
                                     .value_or(-1)));
    };
    QVERIFY2(reviews.confirmations.join(u'\n').contains(
                 QStringLiteral("every request of the entry service productpage calls reviews")),
             qPrintable(perRequest()));
    const ExperimentRunner::Assessment entry =
        assess(request("productpage", FaultSpec::Kind::Delay, 100, 10, 60));
    QVERIFY2(entry.confirmations.join(u'\n').contains(QStringLiteral("productpage is the entry service")),
             qPrintable(entry.confirmations.join(u'\n')));
    // istiod's rules come with the assessment.
    QCOMPARE(assess(request("ratings", FaultSpec::Kind::Abort, 700, 10, 60)).problems.size(), 1);
}

void TestFaultExperiments::haltAllRevertsEverything() {
    const char* services[] = {"ratings", "details", "reviews", "productpage"};
    std::map<std::string, json> before;
    for (const char* service : services)
        before[service] = spec(service);
    for (const char* service : services)
        QVERIFY(!start(request(service, FaultSpec::Kind::Delay, 500, 10, 120)).id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_registry->experiments().size(), qsizetype(4), 10000);

    QSignalSpy reverted(m_runner.get(), &ExperimentRunner::reverted);
    QElapsedTimer clock;
    qint64 lastRevertMs = -1;
    const QObject scope; // disconnects the lambda when this function returns
    connect(m_runner.get(), &ExperimentRunner::reverted, &scope, [&] { lastRevertMs = clock.elapsed(); });
    clock.start();
    m_runner->haltAll();
    QTRY_COMPARE_WITH_TIMEOUT(reverted.size(), 4, 10000);
    qInfo("haltAll reverted 4 experiments in %lld ms (the last revert's answer)", lastRevertMs);
    for (const QList<QVariant>& s : std::as_const(reverted))
        QCOMPARE(s.at(1).toString(), QStringLiteral("halted"));
    for (const char* service : services)
        QCOMPARE(text(spec(service)), text(before[service]));
}

void TestFaultExperiments::revertAllBlockingForQuitting() {
    const json before = spec("ratings");
    const Experiment e = start(request("ratings", FaultSpec::Kind::Delay, 500, 10, 120));
    QVERIFY(!e.id.isEmpty());
    QCOMPARE(m_runner->ownExperiments(), QStringList{e.id});
    QVERIFY(m_runner->revertAllBlocking(10000));
    QVERIFY(m_runner->ownExperiments().isEmpty());
    QCOMPARE(text(spec("ratings")), text(before));
}

void TestFaultExperiments::headlessCommandStopsOnSigtermAndExplainsRefusals() {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    const QStringList connection{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath()};
    auto run = [&](const QStringList& arguments, int* exitCode) -> QByteArray {
        QProcess process;
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(MESHDECK_APP_BIN), connection + arguments);
        process.waitForFinished(30000);
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        return process.readAllStandardOutput() + process.readAllStandardError();
    };
    int exitCode = 0;
    // A namespace without the opt-in label: refused, saying how to opt in.
    QByteArray said =
        run({QStringLiteral("--namespace"), QStringLiteral("default"), QStringLiteral("--fault"),
             QStringLiteral("ratings"), QStringLiteral("--delay"), QStringLiteral("1s")},
            &exitCode);
    QCOMPARE(exitCode, 3);
    QVERIFY2(said.contains("kubectl label namespace default meshdeck.io/chaos=enabled"), said.constData());
    // A blast radius that needs confirmation, without --yes.
    said = run({QStringLiteral("--namespace"), QStringLiteral("bookinfo"), QStringLiteral("--fault"),
                QStringLiteral("ratings"), QStringLiteral("--abort"), QStringLiteral("503"),
                QStringLiteral("--percent"), QStringLiteral("80")},
               &exitCode);
    QCOMPARE(exitCode, 3);
    QVERIFY2(said.contains("pass --yes") && said.contains("80 %"), said.constData());
    // istiod's rules, before anything is asked of the cluster: a usage error.
    said = run({QStringLiteral("--fault"), QStringLiteral("ratings"), QStringLiteral("--abort"),
                QStringLiteral("700")},
               &exitCode);
    QCOMPARE(exitCode, 2);
    QVERIFY2(said.contains("between 200 and 600"), said.constData());

    // A running experiment stops and reverts on SIGTERM, as on Ctrl-C.
    const json before = spec("ratings");
    QProcess running;
    running.setProcessEnvironment(environment);
    running.start(QStringLiteral(MESHDECK_APP_BIN),
                  connection + QStringList{QStringLiteral("--namespace"), QStringLiteral("bookinfo"),
                                           QStringLiteral("--fault"), QStringLiteral("ratings"),
                                           QStringLiteral("--header"), QStringLiteral("end-user=jason"),
                                           QStringLiteral("--delay"), QStringLiteral("2s"),
                                           QStringLiteral("--duration"), QStringLiteral("10m")});
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += running.readAllStandardOutput()).contains("started fx-"), 30000);
    QVERIFY2(output.contains("delay 2 s on 100 % of requests with end-user: jason"), output.constData());
    QVERIFY(spec("ratings")["http"][0]["name"].get<std::string>().starts_with("meshdeck-fault-fx-"));
    running.terminate();
    QVERIFY(running.waitForFinished(15000));
    output += running.readAllStandardOutput();
    QVERIFY2(running.exitStatus() == QProcess::NormalExit && running.exitCode() == 0, output.constData());
    QVERIFY2(output.contains("): stopped"), output.constData());
    QCOMPARE(text(spec("ratings")), text(before));
}

void TestFaultExperiments::killedMeshDeckIsReapedByTheNextOne_data() {
    QTest::addColumn<bool>("window");
    // The next MeshDeck an operator opens (its Mesh page reaps on construction), and the headless
    // reap a cron job runs.
    QTest::newRow("the window, offscreen") << true;
    QTest::newRow("--reap-experiments") << false;
}

void TestFaultExperiments::killedMeshDeckIsReapedByTheNextOne() {
    QFETCH(bool, window);
    // No reaper of ours in this process: only the next MeshDeck may clean up.
    cleanup();
    const json before = spec("ratings");
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"),
                       m_dir.filePath(QStringLiteral("data"))); // its audit log, not the user's
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const QStringList connection{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(),
                                 QStringLiteral("--namespace"), QStringLiteral("bookinfo")};

    QProcess faulty;
    faulty.setProcessEnvironment(environment);
    faulty.start(QStringLiteral(MESHDECK_APP_BIN),
                 connection + QStringList{QStringLiteral("--fault"), QStringLiteral("ratings"),
                                          QStringLiteral("--delay"), QStringLiteral("1s"),
                                          QStringLiteral("--percent"), QStringLiteral("20"),
                                          QStringLiteral("--duration"), QStringLiteral("3s")});
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += faulty.readAllStandardOutput()).contains("started fx-"), 30000);
    const json running = spec("ratings");
    QVERIFY2(running["http"][0].contains("fault"), running.dump().c_str());
    faulty.kill(); // SIGKILL: no chance to revert
    QVERIFY(faulty.waitForFinished(5000));
    QCOMPARE(faulty.exitStatus(), QProcess::CrashExit);
    const qsizetype at = output.indexOf("started fx-") + 8;
    const QString id = QString::fromLatin1(output.mid(at, output.indexOf(':', at) - at));

    // The fault outlives its MeshDeck and its expiry: Istio never expires a fault by itself.
    ExperimentRegistry registry;
    ExperimentWatcher watcher(m_session.get(), &registry);
    QTRY_VERIFY_WITH_TIMEOUT(registry.find(id).has_value(), 10000);
    const QDateTime expiry = registry.find(id)->expiresAt;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > expiry.addMSecs(500), 10000);
    QVERIFY(spec("ratings")["http"][0].contains("fault"));

    // The next MeshDeck reaps it on start-up, back to the pre-fault form.
    QProcess next;
    next.setProcessEnvironment(environment);
    QElapsedTimer clock;
    clock.start();
    if (window) {
        next.start(QStringLiteral(MESHDECK_APP_BIN), connection);
        QTRY_COMPARE_WITH_TIMEOUT(text(spec("ratings")), text(before), 20000);
        qInfo("the next MeshDeck window reverted the orphaned fault within %lld ms of its start",
              clock.elapsed());
        next.kill();
        next.waitForFinished(5000);
    } else {
        next.start(QStringLiteral(MESHDECK_APP_BIN),
                   connection + QStringList{QStringLiteral("--reap-experiments")});
        QVERIFY(next.waitForFinished(30000));
        const QByteArray said = next.readAllStandardOutput() + next.readAllStandardError();
        QVERIFY2(next.exitStatus() == QProcess::NormalExit && next.exitCode() == 0, said.constData());
        const QByteArray line =
            "reverted " + id.toLatin1() + " on ratings (bookinfo): found expired at start-up";
        QVERIFY2(said.contains(line), said.constData());
        qInfo("meshdeck --reap-experiments reverted the orphaned fault and exited after %lld ms",
              clock.elapsed());
        QCOMPARE(text(spec("ratings")), text(before));
    }
    // The reaper recorded its revert, with the reason, in its own audit log.
    QTRY_VERIFY_WITH_TIMEOUT(
        QFile(m_dir.filePath(QStringLiteral("data/MeshDeck/meshdeck/audit.jsonl"))).size() > 0, 5000);
    QFile log(m_dir.filePath(QStringLiteral("data/MeshDeck/meshdeck/audit.jsonl")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray entries = log.readAll();
    const QByteArray summary = id.toLatin1() + ": delay 1 s on 20 % of requests";
    QVERIFY2(entries.contains(summary), entries.constData());
    QVERIFY(entries.contains("found expired at start-up"));
}

QTEST_MAIN(TestFaultExperiments)
#include "tst_faultexperiments.moc"

// SPDX-License-Identifier: Apache-2.0
// ExperimentWatcher on the demo cluster: an administrator's MeshDeck lists (and reaps) the
// experiments of every namespace; meshdeck-bookinfo, who may list VirtualServices in bookinfo only,
// gets a 403 for the cluster-wide list and falls back to its namespace, where it still follows
// every change and reaps what has expired.
#include "DemoClusterProcess.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentRunner.h"
#include "models/faults/ExperimentWatcher.h"
#include "models/faults/FaultInjection.h"
#include "models/session/ClusterSession.h"

#include <QAbstractItemModelTester>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

using nlohmann::json;

class TestExperimentWatcher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void adminWatchesEveryNamespace();
    void namespaceUserWatchesItsNamespace();
    void namespaceUserReapsWhatItWatches();

private:
    QByteArray kubectl(const QStringList& arguments, int* exitCode = nullptr);
    // Writes `experiment` onto the VirtualService as MeshDeck would (kubectl replace as the admin).
    void inject(json virtualService, const Experiment& experiment);
    json virtualService(const QString& ns, const QString& name);

    std::unique_ptr<DemoClusterProcess> m_cluster;
    QTemporaryDir m_dir;
    Experiment m_inBookinfo;
    Experiment m_inDefault;
};

namespace {

Experiment experiment(const QString& id, const QString& ns, const QString& service, int secondsLeft) {
    Experiment e;
    e.id = id;
    e.namespaceName = ns;
    e.virtualService = e.service = service;
    e.owner = QStringLiteral("meshdeck-admin");
    // Times as the annotation keeps them (milliseconds, UTC), so what is read back compares equal.
    const auto exact = [](const QDateTime& t) {
        return QDateTime::fromString(t.toString(Qt::ISODateWithMs), Qt::ISODateWithMs);
    };
    e.startedAt = exact(QDateTime::currentDateTimeUtc().addSecs(-60));
    e.expiresAt = exact(QDateTime::currentDateTimeUtc().addSecs(secondsLeft));
    e.fault.kind = FaultSpec::Kind::Abort;
    e.fault.httpStatus = 503;
    e.fault.percentage = 10;
    e.fault.scope = FaultSpec::Scope::Header;
    e.fault.headerName = QStringLiteral("end-user");
    e.fault.headerValue = QStringLiteral("watcher-test");
    return e;
}

} // namespace

void TestExperimentWatcher::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));

    // A VirtualService in `default`, out of meshdeck-bookinfo's sight, and one in bookinfo, each
    // with an experiment that runs for a long while.
    int exitCode = -1;
    const json stray = {{"apiVersion", "networking.istio.io/v1"},
                        {"kind", "VirtualService"},
                        {"metadata", {{"name", "stray"}, {"namespace", "default"}}},
                        {"spec", {{"hosts", {"stray"}}, {"http", {{{"route", {{{"destination", {{"host", "stray"}}}}}}}}}}}};
    QFile file(m_dir.filePath(QStringLiteral("stray.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(stray.dump().c_str());
    file.close();
    const QByteArray created = kubectl({QStringLiteral("create"), QStringLiteral("-f"), file.fileName()}, &exitCode);
    QVERIFY2(exitCode == 0, created.constData());

    m_inDefault = experiment(QStringLiteral("fx-default"), QStringLiteral("default"), QStringLiteral("stray"), 600);
    m_inBookinfo = experiment(QStringLiteral("fx-bookinfo"), QStringLiteral("bookinfo"), QStringLiteral("ratings"), 600);
    inject(virtualService(QStringLiteral("default"), QStringLiteral("stray")), m_inDefault);
    inject(virtualService(QStringLiteral("bookinfo"), QStringLiteral("ratings")), m_inBookinfo);
}

QByteArray TestExperimentWatcher::kubectl(const QStringList& arguments, int* exitCode) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    environment.insert(QStringLiteral("KUBECACHEDIR"), m_dir.filePath(QStringLiteral("kubecache")));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral("kubectl"),
                  QStringList{QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath()} + arguments);
    process.waitForFinished(60000);
    if (exitCode)
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return process.readAllStandardOutput() + process.readAllStandardError();
}

json TestExperimentWatcher::virtualService(const QString& ns, const QString& name) {
    return json::parse(kubectl({QStringLiteral("-n"), ns, QStringLiteral("get"), QStringLiteral("vs"), name,
                                QStringLiteral("-o"), QStringLiteral("json")})
                           .toStdString(),
                       nullptr, false);
}

void TestExperimentWatcher::inject(json object, const Experiment& experiment) {
    QVERIFY2(object.is_object(), object.dump().c_str());
    QCOMPARE(FaultInjection::inject(object, experiment), QString());
    QFile file(m_dir.filePath(experiment.id + QStringLiteral(".json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(object.dump().c_str());
    file.close();
    int exitCode = -1;
    const QByteArray replaced = kubectl({QStringLiteral("replace"), QStringLiteral("-f"), file.fileName()}, &exitCode);
    QVERIFY2(exitCode == 0, replaced.constData());
}

void TestExperimentWatcher::adminWatchesEveryNamespace() {
    const auto session = m_cluster->session();
    ExperimentRegistry registry;
    ExperimentWatcher watcher(session.get(), &registry);
    QVERIFY(!registry.isSynced());
    QTRY_VERIFY_WITH_TIMEOUT(registry.isSynced(), 30000);
    QVERIFY(watcher.namespaces().isEmpty());
    QCOMPARE(registry.find(m_inDefault.id), std::optional<Experiment>(m_inDefault));
    QCOMPARE(registry.find(m_inBookinfo.id), std::optional<Experiment>(m_inBookinfo));
}

void TestExperimentWatcher::namespaceUserWatchesItsNamespace() {
    const auto session = m_cluster->session("meshdeck-demo-bookinfo");
    ExperimentRegistry registry;
    QAbstractItemModelTester tester(&registry, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ExperimentWatcher watcher(session.get(), &registry);
    QSignalSpy scope(&watcher, &ExperimentWatcher::namespacesChanged);
    QSignalSpy synced(&registry, &ExperimentRegistry::synced);
    QTRY_COMPARE_WITH_TIMEOUT(synced.count(), 1, 30000);
    QCOMPARE(scope.count(), 1);
    QCOMPARE(watcher.namespaces(), QStringList{QStringLiteral("bookinfo")});
    QCOMPARE(registry.experiments(), QList<Experiment>{m_inBookinfo});

    // The namespace's watch follows changes: a second experiment appears, and goes when its
    // annotation is taken off.
    const Experiment second = experiment(QStringLiteral("fx-second"), QStringLiteral("bookinfo"), QStringLiteral("details"), 600);
    inject(virtualService(QStringLiteral("bookinfo"), QStringLiteral("details")), second);
    QTRY_VERIFY_WITH_TIMEOUT(registry.find(second.id).has_value(), 30000);
    QCOMPARE(registry.rowCount(), 2);
    int exitCode = -1;
    const QByteArray removed = kubectl({QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("annotate"),
                                        QStringLiteral("vs"), QStringLiteral("details"),
                                        QStringLiteral("meshdeck.io/experiment-fx-second-")},
                                       &exitCode);
    QVERIFY2(exitCode == 0, removed.constData());
    QTRY_VERIFY_WITH_TIMEOUT(!registry.find(second.id).has_value(), 30000);
    QCOMPARE(registry.experiments(), QList<Experiment>{m_inBookinfo});
}

void TestExperimentWatcher::namespaceUserReapsWhatItWatches() {
    // Both experiments expire; meshdeck-bookinfo's runner reverts the one it can see, and leaves
    // the other (which it could neither see nor patch) to a MeshDeck that can.
    const Experiment expiredHere = experiment(QStringLiteral("fx-expired-bookinfo"), QStringLiteral("bookinfo"),
                                              QStringLiteral("reviews"), -5);
    const Experiment expiredThere = experiment(QStringLiteral("fx-expired-default"), QStringLiteral("default"),
                                               QStringLiteral("stray"), -5);
    inject(virtualService(QStringLiteral("bookinfo"), QStringLiteral("reviews")), expiredHere);
    inject(virtualService(QStringLiteral("default"), QStringLiteral("stray")), expiredThere);

    const auto session = m_cluster->session("meshdeck-demo-bookinfo");
    AuditLog audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
    ExperimentRegistry registry;
    ExperimentWatcher watcher(session.get(), &registry);
    ExperimentRunner runner(session.get(), &audit, &registry);
    QSignalSpy reverted(&runner, &ExperimentRunner::reverted);
    QTRY_COMPARE_WITH_TIMEOUT(reverted.count(), 1, 30000);
    QCOMPARE(reverted.at(0).at(0).value<Experiment>().id, expiredHere.id);
    const json reviews = virtualService(QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    QVERIFY2(!reviews["metadata"].value("annotations", json::object()).contains("meshdeck.io/experiment-fx-expired-bookinfo"),
             reviews.dump().c_str());
    const json stray = virtualService(QStringLiteral("default"), QStringLiteral("stray"));
    QVERIFY2(stray["metadata"]["annotations"].contains("meshdeck.io/experiment-fx-expired-default"), stray.dump().c_str());
    // A further reap pass finds nothing more it may touch.
    QSignalSpy reaped(&runner, &ExperimentRunner::reapFinished);
    QTRY_VERIFY_WITH_TIMEOUT(!reaped.isEmpty(), 30000);
    QCOMPARE(reverted.count(), 1);
}

QTEST_MAIN(TestExperimentWatcher)
#include "tst_experimentwatcher.moc"

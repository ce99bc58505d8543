// SPDX-License-Identifier: Apache-2.0
// The experiment banner and the charts' experiment windows, driven by a real ExperimentRegistry fed
// VirtualServices the way its informer feeds it (FaultInjection writes the experiments into them,
// annotations and all), and by a real audit log.
#include "UnreachableCluster.h"

#include "views/faults/ExperimentBanner.h"
#include "views/faults/ExperimentList.h"
#include "views/faults/ExperimentWindows.h"
#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentAnnotation.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentRunner.h"
#include "models/faults/FaultInjection.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <nlohmann/json.hpp>

#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

class TestExperimentBanner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsFollowTheRegistry();
    void countdownTicks();
    void stopAndHaltAllReachTheRunner();
    void windowsFromTheAuditLogAndTheRegistry_data();
    void windowsFromTheAuditLogAndTheRegistry();
    void chartsShadeTheServicesExperiments();
};

namespace {

nlohmann::json virtualService(const char* name, const char* namespaceName = "bookinfo")
{
    return {{"apiVersion", "networking.istio.io/v1beta1"},
            {"kind", "VirtualService"},
            {"metadata", {{"name", name}, {"namespace", namespaceName}, {"resourceVersion", "7"}}},
            {"spec", {{"hosts", {name}}, {"http", {{{"route", {{{"destination", {{"host", name}, {"subset", "v1"}}}}}}}}}}}};
}

Experiment experiment(const QString& service, const QString& owner, int secondsLeft,
                      const QString& namespaceName = QStringLiteral("bookinfo"))
{
    Experiment e;
    e.id = ExperimentAnnotation::newId();
    e.namespaceName = namespaceName;
    e.virtualService = service;
    e.service = service;
    e.owner = owner;
    e.startedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    e.expiresAt = QDateTime::currentDateTimeUtc().addSecs(secondsLeft);
    e.fault.kind = FaultSpec::Kind::Delay;
    e.fault.delayMs = 2000;
    e.fault.percentage = 50;
    return e;
}

// The VirtualService with the experiments written into it, as the cluster would report it.
nlohmann::json withExperiments(const char* name, const QList<Experiment>& experiments, const char* namespaceName = "bookinfo")
{
    nlohmann::json vs = virtualService(name, namespaceName);
    for (const Experiment& e : experiments) {
        const QString error = FaultInjection::inject(vs, e);
        if (!error.isEmpty())
            qFatal("inject: %s", qPrintable(error));
    }
    return vs;
}

AuditEntry auditEntry(const QDateTime& time, const QString& service, const QString& action, const QString& id, const QString& why,
                      const QString& namespaceName = QStringLiteral("bookinfo"))
{
    AuditEntry e;
    e.time = time;
    e.user = QStringLiteral("alice");
    e.context = QStringLiteral("demo");
    e.namespaceName = namespaceName;
    e.kind = QStringLiteral("VirtualService");
    e.name = service;
    e.service = service;
    e.action = action;
    e.summary = id + QStringLiteral(": delay 2 s on 50 % of requests");
    e.why = why;
    return e;
}

} // namespace

void TestExperimentBanner::rowsFollowTheRegistry()
{
    ExperimentRegistry registry(nullptr);
    ExperimentRunner runner(nullptr, nullptr, &registry);
    QWidget window;
    auto* banner = new ExperimentBanner(&registry, &runner, &window);
    window.show();
    QVERIFY(!banner->isVisibleTo(&window)); // nothing runs: no banner

    const Experiment ratings = experiment(QStringLiteral("ratings"), QStringLiteral("alice"), 300);
    registry.objectChanged(withExperiments("ratings", {ratings}));
    QVERIFY(banner->isVisibleTo(&window));
    QCOMPARE(banner->list()->rowCount(), 1);
    QVERIFY2(banner->titleText().contains(QStringLiteral("1 fault experiment running")), qPrintable(banner->titleText()));
    const QString row = banner->list()->rowText(0);
    for (const QString& part :
         {ratings.fault.describe(), QStringLiteral("ratings (bookinfo)"), QStringLiteral("by alice"), QStringLiteral("left")})
        QVERIFY2(row.contains(part), qPrintable(row + QStringLiteral(" lacks ") + part));

    // Another MeshDeck's experiment on another service, and a second one on ratings.
    const Experiment details = experiment(QStringLiteral("details"), QStringLiteral("bob"), 60);
    // A second fault on ratings, only for jason's requests (a route of its own).
    Experiment ratings2 = experiment(QStringLiteral("ratings"), QStringLiteral("alice"), 120);
    ratings2.fault.scope = FaultSpec::Scope::Header;
    ratings2.fault.headerName = QStringLiteral("end-user");
    ratings2.fault.headerValue = QStringLiteral("jason");
    registry.objectChanged(withExperiments("details", {details}));
    registry.objectChanged(withExperiments("ratings", {ratings, ratings2}));
    QCOMPARE(banner->list()->rowCount(), 3);
    QVERIFY2(banner->titleText().contains(QStringLiteral("3 fault experiments running")), qPrintable(banner->titleText()));
    QStringList ids;
    for (int i = 0; i < banner->list()->rowCount(); ++i)
        ids.append(banner->list()->rowId(i));
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()), (QSet<QString>{ratings.id, ratings2.id, details.id}));

    // The panel's list shows one service's experiments only.
    ExperimentList ratingsOnly(&registry, &runner);
    ratingsOnly.setService(QStringLiteral("bookinfo"), QStringLiteral("ratings"));
    QCOMPARE(ratingsOnly.rowCount(), 2);

    // Reverted (the annotation is gone), and the object deleted: rows leave, then the banner.
    registry.objectChanged(virtualService("ratings"));
    QCOMPARE(banner->list()->rowCount(), 1);
    QCOMPARE(banner->list()->rowId(0), details.id);
    QCOMPARE(ratingsOnly.rowCount(), 0);
    registry.objectRemoved(QStringLiteral("bookinfo"), QStringLiteral("details"));
    QCOMPARE(banner->list()->rowCount(), 0);
    QVERIFY(!banner->isVisibleTo(&window));
}

void TestExperimentBanner::countdownTicks()
{
    ExperimentRegistry registry(nullptr);
    ExperimentRunner runner(nullptr, nullptr, &registry);
    ExperimentBanner banner(&registry, &runner);
    registry.objectChanged(withExperiments("ratings", {experiment(QStringLiteral("ratings"), QStringLiteral("alice"), 300)}));
    const QString before = banner.list()->rowText(0);
    // The time left moves on its own, without the registry changing.
    QTRY_VERIFY_WITH_TIMEOUT(banner.list()->rowText(0) != before, 5000);
    QVERIFY2(banner.list()->rowText(0).contains(QStringLiteral("left")), qPrintable(banner.list()->rowText(0)));
}

void TestExperimentBanner::stopAndHaltAllReachTheRunner()
{
    // The runner's API server refuses connections: its reverts fail as they would when the cluster
    // is down, it says so, and the row's Stop can be pressed again. (tst_faultpanel stops and halts
    // for real on the demo cluster.)
    ClusterSession session{unreachableCluster()};
    ExperimentRegistry registry(nullptr);
    ExperimentRunner runner(&session, nullptr, &registry);
    ExperimentBanner banner(&registry, &runner);
    registry.objectChanged(withExperiments("ratings", {experiment(QStringLiteral("ratings"), QStringLiteral("alice"), 300)}));
    QSignalSpy failed(&runner, &ExperimentRunner::failed);
    QPushButton* stop = banner.list()->stopButton(0);
    QTest::mouseClick(stop, Qt::LeftButton);
    QCOMPARE(stop->text(), QStringLiteral("Stopping…"));
    QVERIFY(!stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 20000);
    QVERIFY(stop->isEnabled());
    QCOMPARE(stop->text(), QStringLiteral("Stop"));

    failed.clear();
    QTest::mouseClick(banner.haltAllButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 20000);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("ratings")),
             qPrintable(failed.first().first().toString()));
}

void TestExperimentBanner::windowsFromTheAuditLogAndTheRegistry_data()
{
    QTest::addColumn<bool>("reverted");
    QTest::addColumn<bool>("running");
    QTest::addColumn<int>("windows");
    QTest::addColumn<QString>("hover");
    QTest::newRow("reverted") << true << false << 1 << QStringLiteral("reverted");
    QTest::newRow("running") << false << true << 1 << QStringLiteral("running until");
    // Reverted by another process at a time not known here: its start is marked, no window guessed.
    QTest::newRow("ended elsewhere") << false << false << 0 << QString();
}

void TestExperimentBanner::windowsFromTheAuditLogAndTheRegistry()
{
    QFETCH(bool, reverted);
    QFETCH(bool, running);
    QFETCH(int, windows);
    QFETCH(QString, hover);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    ExperimentRegistry registry(nullptr);
    const Experiment e = experiment(QStringLiteral("ratings"), QStringLiteral("alice"), 300);
    const QDateTime started = QDateTime::currentDateTimeUtc().addSecs(-60);
    QVERIFY(audit.append(
        auditEntry(started, QStringLiteral("ratings"), QStringLiteral("fault started"), e.id, QStringLiteral("fault panel"))));
    // Another service's experiment and a traffic change on ratings are not windows of ratings.
    QVERIFY(audit.append(
        auditEntry(started, QStringLiteral("reviews"), QStringLiteral("fault started"), QStringLiteral("fx-other"), {})));
    QVERIFY(audit.append(
        auditEntry(started, QStringLiteral("ratings"), QStringLiteral("traffic split"), QStringLiteral("v1 100 %"), {})));
    // Nor are those of team-b's ratings, another service of the same name: one started and reverted
    // there (under the same id, which ids do not rule out across namespaces), one running there.
    const QString teamB = QStringLiteral("team-b");
    QVERIFY(audit.append(
        auditEntry(started.addSecs(-30), QStringLiteral("ratings"), QStringLiteral("fault started"), e.id, {}, teamB)));
    QVERIFY(audit.append(
        auditEntry(started.addSecs(-20), QStringLiteral("ratings"), QStringLiteral("fault reverted"), e.id, {}, teamB)));
    registry.objectChanged(withExperiments("ratings", {experiment(QStringLiteral("ratings"), QStringLiteral("bob"), 300, teamB)},
                                           "team-b"));
    if (reverted)
        QVERIFY(audit.append(auditEntry(started.addSecs(30), QStringLiteral("ratings"), QStringLiteral("fault reverted"), e.id,
                                        QStringLiteral("guard: success rate of productpage 91.2 % < 95 %"))));
    if (running)
        registry.objectChanged(withExperiments("ratings", {e}));

    const QList<ChartWindow> found = ExperimentWindows::of(&audit, &registry, QStringLiteral("bookinfo"), QStringLiteral("ratings"));
    QCOMPARE(found.size(), windows);
    if (windows == 0)
        return;
    QCOMPARE(found[0].startMs, double(started.toMSecsSinceEpoch()));
    QCOMPARE(found[0].endMs, reverted ? double(started.addSecs(30).toMSecsSinceEpoch()) : 0.0);
    QVERIFY2(found[0].text.contains(hover) && found[0].text.contains(QStringLiteral("by alice")), qPrintable(found[0].text));
    if (reverted)
        QVERIFY2(found[0].text.contains(QStringLiteral("guard: success rate")), qPrintable(found[0].text));
}

void TestExperimentBanner::chartsShadeTheServicesExperiments()
{
    // The telemetry panel of ratings: an experiment reverted a minute ago from the audit log, one
    // that runs now and was started by another MeshDeck (only the registry knows it).
    ClusterSession session{unreachableCluster()};
    TelemetrySeriesModel model;
    TelemetryLoader loader{&session};
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    ExperimentRegistry registry(nullptr);
    TelemetryPanel panel{&model, &loader, &audit};
    loader.setService(QStringLiteral("bookinfo"), QStringLiteral("ratings"));
    panel.setExperiments(&registry);
    panel.resize(1400, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const double now = std::floor(double(QDateTime::currentMSecsSinceEpoch()) / 1000) * 1000;
    QList<QPointF> points;
    for (double t = now - 180000; t <= now; t += 1000)
        points.append({t, 20});
    model.addBatch({QStringLiteral("ratings"), 1, {{TelemetryMetric::RequestRate, QStringLiteral("v1"), points}}}, true);
    MetricChart* rates = panel.chartFor(TelemetryMetric::RequestRate);
    QTRY_COMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v1")).x(), now);
    QVERIFY(rates->windows().isEmpty());

    const QDateTime started = QDateTime::fromMSecsSinceEpoch(qint64(now) - 120000, Qt::UTC);
    QVERIFY(audit.append(
        auditEntry(started, QStringLiteral("ratings"), QStringLiteral("fault started"), QStringLiteral("fx-0001"), {})));
    QVERIFY(audit.append(auditEntry(started.addSecs(40), QStringLiteral("ratings"), QStringLiteral("fault reverted"),
                                    QStringLiteral("fx-0001"), QStringLiteral("stopped"))));
    QCOMPARE(rates->windows().size(), 1);
    Experiment other = experiment(QStringLiteral("ratings"), QStringLiteral("bob"), 300);
    registry.objectChanged(withExperiments("ratings", {other}));
    for (MetricChart* chart : panel.charts())
        QCOMPARE(chart->windows().size(), 2);
    const QList<ChartWindow> visible = rates->visibleWindows(now);
    QCOMPARE(visible.size(), 2);
    QCOMPARE(visible[1].endMs, now); // the running one reaches up to now
    QVERIFY2(visible[1].text.contains(QStringLiteral("by bob")), qPrintable(visible[1].text));

    // Shaded: a pixel inside the reverted window is tinted compared with one before it.
    const QImage image = rates->grab().toImage();
    const auto pixelAt = [&](double timeMs) {
        const QPointF p = rates->chart()->mapToPosition(QPointF(timeMs, 0));
        return image.pixelColor(int(p.x() * image.devicePixelRatio()),
                                int((rates->chart()->plotArea().top() + 5) * image.devicePixelRatio()));
    };
    const QColor inside = pixelAt(double(started.toMSecsSinceEpoch()) + 20000);
    const QColor outside = pixelAt(double(started.toMSecsSinceEpoch()) - 20000);
    QVERIFY2(inside != outside, qPrintable(inside.name() + QStringLiteral(" == ") + outside.name()));

    // Another service's chart has none.
    model.addBatch({QStringLiteral("details"), 1, {{TelemetryMetric::RequestRate, QStringLiteral("v1"), points}}}, true);
    QTRY_VERIFY(rates->windows().isEmpty());
}

QTEST_MAIN(TestExperimentBanner)
#include "tst_experimentbanner.moc"

// SPDX-License-Identifier: Apache-2.0
// The registry of running experiments, as the banner and the charts see it: one row per
// experiment recorded on any VirtualService, updated row by row as objects change.
#include "models/faults/ExperimentAnnotation.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/FaultInjection.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <nlohmann/json.hpp>

using nlohmann::json;

class TestFaultRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void followsTheObjects();
    void rolesAndDisplayLine_data();
    void rolesAndDisplayLine();
};

namespace {

json virtualService(const char* ns, const char* name) {
    return {{"apiVersion", "networking.istio.io/v1"},
            {"kind", "VirtualService"},
            {"metadata", {{"name", name}, {"namespace", ns}}},
            {"spec",
             {{"hosts", {name}},
              {"http", {{{"route", {{{"destination", {{"host", name}, {"subset", "v1"}}}}}}}}}}}};
}

Experiment experiment(const QString& id, const char* ns, const char* service, const QString& header,
                      int secondsLeft) {
    Experiment e;
    e.id = id;
    e.namespaceName = QString::fromLatin1(ns);
    e.virtualService = e.service = QString::fromLatin1(service);
    e.owner = QStringLiteral("alice");
    e.startedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    e.expiresAt = QDateTime::currentDateTimeUtc().addSecs(secondsLeft);
    e.fault.kind = FaultSpec::Kind::Delay;
    e.fault.delayMs = 2000;
    e.fault.percentage = 50;
    e.fault.scope = FaultSpec::Scope::Header;
    e.fault.headerName = QStringLiteral("end-user");
    e.fault.headerValue = header;
    // What the registry reads back: times as the annotation keeps them (milliseconds, UTC).
    e.startedAt = QDateTime::fromString(e.startedAt.toString(Qt::ISODateWithMs), Qt::ISODateWithMs);
    e.expiresAt = QDateTime::fromString(e.expiresAt.toString(Qt::ISODateWithMs), Qt::ISODateWithMs);
    return e;
}

} // namespace

void TestFaultRegistry::followsTheObjects() {
    ExperimentRegistry registry;
    QAbstractItemModelTester tester(&registry, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&registry, &ExperimentRegistry::experimentsChanged);
    QVERIFY(registry.isSynced());

    json ratings = virtualService("bookinfo", "ratings");
    const Experiment jason =
        experiment(QStringLiteral("fx-1"), "bookinfo", "ratings", QStringLiteral("jason"), 300);
    const Experiment tester2 =
        experiment(QStringLiteral("fx-2"), "bookinfo", "ratings", QStringLiteral("tester"), 60);
    QCOMPARE(FaultInjection::inject(ratings, jason), QString());
    registry.objectChanged(ratings);
    QCOMPARE(registry.rowCount(), 1);
    QCOMPARE(changed.size(), 1);

    json reviews = virtualService("mesh", "reviews");
    const Experiment other = experiment(QStringLiteral("fx-3"), "mesh", "reviews", QStringLiteral("bob"), 30);
    QCOMPARE(FaultInjection::inject(reviews, other), QString());
    registry.objectChanged(reviews);
    QCOMPARE(FaultInjection::inject(ratings, tester2), QString());
    registry.objectChanged(ratings);
    QCOMPARE(registry.rowCount(), 3);
    QCOMPARE(changed.size(), 3);
    QCOMPARE(registry.find(QStringLiteral("fx-2")), std::optional<Experiment>(tester2));
    QCOMPARE(registry.forService(QStringLiteral("bookinfo"), QStringLiteral("ratings")).size(), 2);
    QCOMPARE(registry.forService(QStringLiteral("mesh"), QStringLiteral("reviews")),
             QList<Experiment>{other});
    QVERIFY(registry.forService(QStringLiteral("mesh"), QStringLiteral("ratings")).isEmpty());

    // The same object again (a resync, a status-only update): no notification.
    registry.objectChanged(ratings);
    QCOMPARE(changed.size(), 3);

    // One experiment reverted: only its row goes.
    QVERIFY(FaultInjection::revert(ratings, jason.id).found);
    registry.objectChanged(ratings);
    QCOMPARE(registry.rowCount(), 2);
    QVERIFY(!registry.find(jason.id));
    QVERIFY(registry.find(tester2.id));

    // The object deleted: its experiments go with it.
    registry.objectRemoved(QStringLiteral("bookinfo"), QStringLiteral("ratings"));
    QCOMPARE(registry.experiments(), QList<Experiment>{other});
    QCOMPARE(changed.size(), 5);
}

void TestFaultRegistry::rolesAndDisplayLine_data() {
    QTest::addColumn<int>("secondsLeft");
    QTest::addColumn<QString>("left");
    QTest::newRow("minutes") << 272 << QStringLiteral("4:32 left");
    QTest::newRow("seconds") << 9 << QStringLiteral("0:09 left");
    QTest::newRow("expired") << -5 << QStringLiteral("expired");
}

void TestFaultRegistry::rolesAndDisplayLine() {
    QFETCH(int, secondsLeft);
    QFETCH(QString, left);
    ExperimentRegistry registry;
    QAbstractItemModelTester tester(&registry, QAbstractItemModelTester::FailureReportingMode::QtTest);
    json ratings = virtualService("bookinfo", "ratings");
    Experiment e = experiment(QStringLiteral("fx-9"), "bookinfo", "ratings", QStringLiteral("jason"), 0);
    QCOMPARE(FaultInjection::inject(ratings, e), QString());
    registry.objectChanged(ratings);
    const QModelIndex row = registry.index(0);
    QCOMPARE(row.data(ExperimentRegistry::IdRole).toString(), QStringLiteral("fx-9"));
    QCOMPARE(row.data(ExperimentRegistry::OwnerRole).toString(), QStringLiteral("alice"));
    QCOMPARE(row.data(ExperimentRegistry::ServiceRole).toString(), QStringLiteral("ratings"));
    QCOMPARE(row.data(ExperimentRegistry::NamespaceRole).toString(), QStringLiteral("bookinfo"));
    QCOMPARE(row.data(ExperimentRegistry::ExpiresRole).toDateTime(), e.expiresAt);
    // The display line at a chosen moment: what, where, time left, who.
    const QDateTime now = e.expiresAt.addSecs(-secondsLeft);
    QCOMPARE(ExperimentRegistry::describe(e, now),
             QStringLiteral(
                 "delay 2 s on 50 % of requests with end-user: jason → ratings (bookinfo), %1, by alice")
                 .arg(left));
}

QTEST_MAIN(TestFaultRegistry)
#include "tst_faultregistry.moc"

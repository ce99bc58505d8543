// SPDX-License-Identifier: Apache-2.0
// istiod's rules for an HTTPFaultInjection, checked before MeshDeck writes one, and how a fault
// and a guard read to the operator.
#include "models/faults/FaultRules.h"
#include "models/faults/GuardCondition.h"

#include <QTest>

class TestFaultRules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void istiodRules_data();
    void istiodRules();
    void describesTheFault_data();
    void describesTheFault();
    void guardTripsAndSaysWhy();
};

namespace {
FaultSpec delay(int ms, double percentage) {
    FaultSpec fault;
    fault.kind = FaultSpec::Kind::Delay;
    fault.delayMs = ms;
    fault.percentage = percentage;
    return fault;
}

FaultSpec abortWith(int status, double percentage, const QString& grpc = {}) {
    FaultSpec fault;
    fault.kind = FaultSpec::Kind::Abort;
    fault.httpStatus = status;
    fault.grpcStatus = grpc;
    fault.percentage = percentage;
    return fault;
}
} // namespace

void TestFaultRules::istiodRules_data() {
    QTest::addColumn<FaultSpec>("fault");
    QTest::addColumn<QString>("problem"); // a piece of the one problem expected; empty: none

    QTest::newRow("delay 2 s at 50 %") << delay(2000, 50) << QString();
    QTest::newRow("delay 1 ms, the least istiod takes") << delay(1, 100) << QString();
    QTest::newRow("delay 0 ms") << delay(0, 100) << QStringLiteral("at least 1 ms");
    QTest::newRow("percentage 0 is allowed") << delay(100, 0) << QString();
    QTest::newRow("percentage 0.0001, the smallest non-zero") << delay(100, 0.0001) << QString();
    QTest::newRow("percentage below 0.0001")
        << delay(100, 0.00001) << QStringLiteral("0 or between 0.0001 and 100");
    QTest::newRow("percentage above 100")
        << delay(100, 100.5) << QStringLiteral("0 or between 0.0001 and 100");
    QTest::newRow("negative percentage")
        << abortWith(503, -1) << QStringLiteral("0 or between 0.0001 and 100");
    QTest::newRow("abort 503") << abortWith(503, 50) << QString();
    QTest::newRow("abort 200, the lowest status") << abortWith(200, 50) << QString();
    QTest::newRow("abort 600, the highest istiod takes") << abortWith(600, 50) << QString();
    QTest::newRow("abort 199") << abortWith(199, 50) << QStringLiteral("between 200 and 600");
    QTest::newRow("abort 601") << abortWith(601, 50) << QStringLiteral("between 200 and 600");
    QTest::newRow("gRPC abort") << abortWith(0, 50, QStringLiteral("UNAVAILABLE")) << QString();
    QTest::newRow("abort without a status") << abortWith(0, 50) << QStringLiteral("exactly one of");
    QTest::newRow("abort with both statuses")
        << abortWith(503, 50, QStringLiteral("UNAVAILABLE")) << QStringLiteral("exactly one of");
    FaultSpec header = delay(100, 10);
    header.scope = FaultSpec::Scope::Header;
    header.headerName = QStringLiteral("end-user");
    header.headerValue = QStringLiteral("jason");
    QTest::newRow("header match") << header << QString();
    header.headerName = QStringLiteral("End-User");
    QTest::newRow("upper case header name") << header << QStringLiteral("lower case");
    header.headerName.clear();
    QTest::newRow("header match without a name") << header << QStringLiteral("header name and value");
    FaultSpec route = delay(100, 10);
    route.scope = FaultSpec::Scope::Route;
    QTest::newRow("route without a name") << route << QStringLiteral("route's name");
}

void TestFaultRules::istiodRules() {
    QFETCH(FaultSpec, fault);
    QFETCH(QString, problem);
    const QStringList problems = FaultRules::problems(fault);
    if (problem.isEmpty()) {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        return;
    }
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().contains(problem), qPrintable(problems.first()));
}

void TestFaultRules::describesTheFault_data() {
    QTest::addColumn<FaultSpec>("fault");
    QTest::addColumn<QString>("text");
    FaultSpec jason = delay(2000, 50);
    jason.scope = FaultSpec::Scope::Header;
    jason.headerName = QStringLiteral("end-user");
    jason.headerValue = QStringLiteral("jason");
    QTest::newRow("the brief's example")
        << jason << QStringLiteral("delay 2 s on 50 % of requests with end-user: jason");
    QTest::newRow("sub-second delay")
        << delay(250, 100) << QStringLiteral("delay 250 ms on 100 % of requests");
    QTest::newRow("fractional seconds")
        << delay(1500, 100) << QStringLiteral("delay 1.5 s on 100 % of requests");
    FaultSpec route = abortWith(503, 25);
    route.scope = FaultSpec::Scope::Route;
    route.routeName = QStringLiteral("canary");
    QTest::newRow("route") << route
                           << QStringLiteral("abort with HTTP 503 on 25 % of requests of route canary");
    QTest::newRow("gRPC") << abortWith(0, 10, QStringLiteral("UNAVAILABLE"))
                          << QStringLiteral("abort with gRPC UNAVAILABLE on 10 % of requests");
}

void TestFaultRules::describesTheFault() {
    QFETCH(FaultSpec, fault);
    QFETCH(QString, text);
    QCOMPARE(fault.describe(), text);
}

void TestFaultRules::guardTripsAndSaysWhy() {
    GuardCondition success{GuardCondition::Metric::SuccessRateBelow, QStringLiteral("productpage"), 95};
    QVERIFY(success.isTrippedBy(91.24));
    QVERIFY(!success.isTrippedBy(95));
    QCOMPARE(success.tripped(91.24), QStringLiteral("success rate of productpage 91.2 % < 95 %"));
    QCOMPARE(success.describe(), QStringLiteral("success rate of productpage below 95 %"));
    GuardCondition p99{GuardCondition::Metric::P99AboveMs, QStringLiteral("reviews"), 2000};
    QVERIFY(p99.isTrippedBy(2400));
    QVERIFY(!p99.isTrippedBy(1999));
    QCOMPARE(p99.tripped(2400), QStringLiteral("p99 of reviews 2400 ms > 2000 ms"));
}

QTEST_MAIN(TestFaultRules)
#include "tst_faultrules.moc"

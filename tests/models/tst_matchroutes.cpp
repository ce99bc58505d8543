// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "models/traffic/MatchRoutes.h"
#include "models/traffic/VariantNumbers.h"

#include "models/graph/EdgeTelemetry.h"

#include <QRegularExpression>
#include <QTest>

// A/B routes: read from a VirtualService, added before its default route, removed only where the
// operator saw them, refused when istiod would refuse them.
class TestMatchRoutes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsIstiosJasonSample();
    void addsBeforeTheDefaultRoute_data();
    void addsBeforeTheDefaultRoute();
    void cookieMatchesThePairAnywhere_data();
    void cookieMatchesThePairAnywhere();
    void laterRoutesGoAfterEarlierOnes();
    void removeChecksTheRouteIsStillThere();
    void refusesWhatIstiodRefuses_data();
    void refusesWhatIstiodRefuses();
    void variantsSideBySide();
};

namespace {
const MeshTopology Bookinfo = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));

nlohmann::json reviews()
{
    return nlohmann::json::parse(R"({"metadata":{"name":"reviews"},"spec":{"hosts":["reviews"],"http":[
        {"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":80},{"destination":{"host":"reviews","subset":"v2"},"weight":20}]}]}})");
}
} // namespace

void TestMatchRoutes::readsIstiosJasonSample()
{
    // Istio's request-routing task: jason sees v2, everyone else v1.
    const auto vs = nlohmann::json::parse(R"({"spec":{"hosts":["reviews"],"http":[
        {"match":[{"headers":{"end-user":{"exact":"jason"}}}],"route":[{"destination":{"host":"reviews","subset":"v2"}}]},
        {"route":[{"destination":{"host":"reviews","subset":"v1"}}]}]}})");
    const QList<MatchRoute> routes = MatchRoutes::read(vs, Bookinfo, QStringLiteral("reviews"));
    QCOMPARE(routes.size(), 1);
    QCOMPARE(routes[0].httpIndex, 0);
    QCOMPARE(routes[0].description, QStringLiteral("header end-user = jason"));
    QCOMPARE(routes[0].destination, QStringLiteral("v2"));
}

void TestMatchRoutes::addsBeforeTheDefaultRoute_data()
{
    QTest::addColumn<int>("field");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("match");
    QTest::addColumn<QString>("description");
    QTest::newRow("header") << int(MatchCondition::Field::Header) << QStringLiteral("end-user") << QStringLiteral("jason")
                            << QByteArray(R"({"headers":{"end-user":{"exact":"jason"}}})") << QStringLiteral("header end-user = jason");
    QTest::newRow("query") << int(MatchCondition::Field::QueryParameter) << QStringLiteral("variant") << QStringLiteral("b")
                           << QByteArray(R"({"queryParams":{"variant":{"exact":"b"}}})") << QStringLiteral("query variant = b");
    QTest::newRow("uri") << int(MatchCondition::Field::UriPrefix) << QString() << QStringLiteral("/api/v2")
                         << QByteArray(R"({"uri":{"prefix":"/api/v2"}})") << QStringLiteral("uri starts with /api/v2");
    QTest::newRow("cookie") << int(MatchCondition::Field::Cookie) << QStringLiteral("canary") << QStringLiteral("1")
                            << QByteArray(R"({"headers":{"cookie":{"regex":"^(.*?;)?\\s*canary=1(;.*)?$"}}})")
                            << QStringLiteral("header cookie ~ ^(.*?;)?\\s*canary=1(;.*)?$");
}

void TestMatchRoutes::addsBeforeTheDefaultRoute()
{
    QFETCH(int, field);
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QByteArray, match);
    QFETCH(QString, description);
    nlohmann::json vs = reviews();
    const MatchCondition condition{MatchCondition::Field(field), name, value};
    QCOMPARE(MatchRoutes::add(vs, Bookinfo, QStringLiteral("reviews"), condition, QStringLiteral("v3")), QString());
    const nlohmann::json& http = vs["spec"]["http"];
    QCOMPARE(int(http.size()), 2);
    QVERIFY2(http[0]["match"][0] == nlohmann::json::parse(match.toStdString()), http[0].dump().c_str());
    QVERIFY(http[0]["route"] == nlohmann::json::parse(R"([{"destination":{"host":"reviews","subset":"v3"}}])"));
    QCOMPARE(http[1]["route"].size(), std::size_t(2)); // the weighted split, untouched
    QCOMPARE(MatchRoutes::describe(condition), description);
    const QList<MatchRoute> routes = MatchRoutes::read(vs, Bookinfo, QStringLiteral("reviews"));
    QCOMPARE(routes.size(), 1);
    QCOMPARE(routes[0].description, description);
}

void TestMatchRoutes::cookieMatchesThePairAnywhere_data()
{
    QTest::addColumn<QString>("cookieHeader");
    QTest::addColumn<bool>("matches");
    QTest::newRow("alone") << QStringLiteral("canary=1") << true;
    QTest::newRow("after another") << QStringLiteral("session=7f3a; canary=1") << true;
    QTest::newRow("between") << QStringLiteral("a=b;canary=1; c=d") << true;
    QTest::newRow("other value") << QStringLiteral("canary=10") << false;
    QTest::newRow("other name") << QStringLiteral("nocanary=1") << false;
}

void TestMatchRoutes::cookieMatchesThePairAnywhere()
{
    QFETCH(QString, cookieHeader);
    QFETCH(bool, matches);
    const nlohmann::json match = MatchRoutes::matchFor({MatchCondition::Field::Cookie, QStringLiteral("canary"), QStringLiteral("1")});
    const QRegularExpression regex(QString::fromStdString(match["headers"]["cookie"]["regex"].get<std::string>()));
    QVERIFY(regex.isValid());
    QCOMPARE(regex.match(cookieHeader).hasMatch(), matches);
}

void TestMatchRoutes::laterRoutesGoAfterEarlierOnes()
{
    nlohmann::json vs = reviews();
    MatchRoutes::add(vs, Bookinfo, QStringLiteral("reviews"), {MatchCondition::Field::Header, QStringLiteral("end-user"), QStringLiteral("jason")}, QStringLiteral("v2"));
    MatchRoutes::add(vs, Bookinfo, QStringLiteral("reviews"), {MatchCondition::Field::UriPrefix, {}, QStringLiteral("/beta")}, QStringLiteral("v3"));
    const QList<MatchRoute> routes = MatchRoutes::read(vs, Bookinfo, QStringLiteral("reviews"));
    QCOMPARE(routes.size(), 2);
    QCOMPARE(routes[0].destination, QStringLiteral("v2")); // the first one added is still tried first
    QCOMPARE(routes[1].httpIndex, 1);
    QVERIFY(!vs["spec"]["http"][2].contains("match"));
}

void TestMatchRoutes::removeChecksTheRouteIsStillThere()
{
    nlohmann::json vs = reviews();
    MatchRoutes::add(vs, Bookinfo, QStringLiteral("reviews"), {MatchCondition::Field::Header, QStringLiteral("end-user"), QStringLiteral("jason")}, QStringLiteral("v2"));
    const MatchRoute seen = MatchRoutes::read(vs, Bookinfo, QStringLiteral("reviews")).first();
    // Someone else put another route in front meanwhile: the index no longer points at it.
    nlohmann::json moved = vs;
    MatchRoutes::add(moved, Bookinfo, QStringLiteral("reviews"), {MatchCondition::Field::UriPrefix, {}, QStringLiteral("/x")}, QStringLiteral("v3"));
    std::swap(moved["spec"]["http"][0], moved["spec"]["http"][1]);
    QVERIFY(MatchRoutes::remove(moved, seen.httpIndex, seen.description).contains(QStringLiteral("no longer")));
    QCOMPARE(MatchRoutes::remove(vs, seen.httpIndex, seen.description), QString());
    QVERIFY(MatchRoutes::read(vs, Bookinfo, QStringLiteral("reviews")).isEmpty());
}

void TestMatchRoutes::refusesWhatIstiodRefuses_data()
{
    QTest::addColumn<int>("field");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("problem");
    QTest::newRow("upper-case header") << int(MatchCondition::Field::Header) << QStringLiteral("End-User") << QStringLiteral("jason") << QStringLiteral("lower case");
    QTest::newRow("no value") << int(MatchCondition::Field::Header) << QStringLiteral("end-user") << QString() << QStringLiteral("value");
    QTest::newRow("no name") << int(MatchCondition::Field::QueryParameter) << QString() << QStringLiteral("b") << QStringLiteral("name");
    QTest::newRow("space in name") << int(MatchCondition::Field::Cookie) << QStringLiteral("my cookie") << QStringLiteral("1") << QStringLiteral("not a valid name");
    QTest::newRow("relative uri") << int(MatchCondition::Field::UriPrefix) << QString() << QStringLiteral("api") << QStringLiteral("starts with /");
    QTest::newRow("fine") << int(MatchCondition::Field::Header) << QStringLiteral("x-variant") << QStringLiteral("b") << QString();
}

void TestMatchRoutes::refusesWhatIstiodRefuses()
{
    QFETCH(int, field);
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, problem);
    const QString found = MatchRoutes::problemWith({MatchCondition::Field(field), name, value});
    if (problem.isEmpty())
        QCOMPARE(found, QString());
    else
        QVERIFY2(found.contains(problem), qPrintable(found));
}

void TestMatchRoutes::variantsSideBySide()
{
    // Two callers of reviews v2 with different latency, one of v3, and traffic to another service.
    EdgeTelemetry telemetry;
    telemetry.samples = {
        {QStringLiteral("productpage-v1"), QStringLiteral("bookinfo"), QStringLiteral("bookinfo"),
         QStringLiteral("reviews"), QStringLiteral("reviews-v2"),
         QStringLiteral("v2"), 3, 0.3, 0, 10, 40, 80},
        {QStringLiteral("tester"), QStringLiteral("bookinfo"), QStringLiteral("bookinfo"),
         QStringLiteral("reviews"), QStringLiteral("reviews-v2"),
         QStringLiteral("v2"), 1, 0, 0, 10, 80, 90},
        {QStringLiteral("productpage-v1"), QStringLiteral("bookinfo"), QStringLiteral("bookinfo"),
         QStringLiteral("reviews"), QStringLiteral("reviews-v3"),
         QStringLiteral("v3"), 2, 0, 0, 100, 500, 900},
        {QStringLiteral("productpage-v1"), QStringLiteral("bookinfo"), QStringLiteral("bookinfo"),
         QStringLiteral("details"), QStringLiteral("details-v1"),
         QStringLiteral("v1"), 20, 0, 0, 5, 9, 12},
    };
    const QList<VariantNumbers> variants = VariantNumbers::of(telemetry, QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    QCOMPARE(variants.size(), 2);
    QCOMPARE(variants[0].version, QStringLiteral("v2"));
    QCOMPARE(variants[0].requestsPerSecond, 4.0);
    QCOMPARE(variants[0].errorRatio, 0.075);
    QCOMPARE(variants[0].p95Ms, 50.0); // (3 × 40 + 1 × 80) / 4
    QCOMPARE(variants[1].version, QStringLiteral("v3"));
    QCOMPARE(variants[1].p95Ms, 500.0);
}

QTEST_GUILESS_MAIN(TestMatchRoutes)
#include "tst_matchroutes.moc"

// SPDX-License-Identifier: Apache-2.0
#include "models/telemetry/RoutingEventTracker.h"

#include <nlohmann/json.hpp>

#include <QSignalSpy>
#include <QTest>

class TestRoutingEventTracker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstTopologyIsTheBaseline();
    void faultsStartAndStop();
    void trafficMovesWithWhoMovedIt();
    void unchangedObjectsRecordNothing();
    void namespacesWithTheSameServiceStayApart_data();
    void namespacesWithTheSameServiceStayApart();
    void namespaceShownAgainStartsFromABaseline();
};

namespace {

const QDateTime T0 = QDateTime::fromSecsSinceEpoch(1764140000, Qt::UTC);

// reviews (with a VirtualService holding `http` at `resourceVersion`) and ratings in `namespaceName`.
MeshTopology namespaceTopology(const QString& namespaceName, const char* resourceVersion, const nlohmann::json& http,
                               const nlohmann::json& metadata = nlohmann::json::object())
{
    MeshTopology t;
    t.namespaceName = namespaceName;
    t.services = {{QStringLiteral("reviews"), {}}, {QStringLiteral("ratings"), {}}};
    nlohmann::json raw = {{"metadata", metadata}, {"spec", {{"hosts", {"reviews"}}, {"http", http}}}};
    raw["metadata"]["resourceVersion"] = resourceVersion;
    t.virtualServices = {{QStringLiteral("reviews"), QString::fromUtf8(resourceVersion), {QStringLiteral("reviews")},
                          std::make_shared<const nlohmann::json>(raw)}};
    return t;
}

// bookinfo alone, as the graph shows one namespace.
MeshTopologies topology(const char* resourceVersion, const nlohmann::json& http, const nlohmann::json& metadata = nlohmann::json::object())
{
    return {{namespaceTopology(QStringLiteral("bookinfo"), resourceVersion, http, metadata)}, {}};
}

MeshTopologies both(const MeshTopology& a, const MeshTopology& b)
{
    return {{a, b}, {}};
}

const QString Bookinfo = QStringLiteral("bookinfo");
const QString TeamB = QStringLiteral("team-b");
const QString Reviews = QStringLiteral("reviews");

nlohmann::json split(int v1, int v3)
{
    return nlohmann::json::array({{{"route",
                                    {{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}, {"weight", v1}},
                                     {{"destination", {{"host", "reviews"}, {"subset", "v3"}}}, {"weight", v3}}}}}});
}

nlohmann::json withDelay(nlohmann::json http)
{
    http[0]["fault"] = {{"delay", {{"fixedDelay", "2s"}, {"percentage", {{"value", 50}}}}}};
    return http;
}

} // namespace

void TestRoutingEventTracker::firstTopologyIsTheBaseline()
{
    RoutingEventTracker tracker;
    QSignalSpy changed(&tracker, &RoutingEventTracker::eventsChanged);
    tracker.observe(topology("1", withDelay(split(80, 20))), T0);
    QVERIFY(tracker.events(Bookinfo, Reviews).isEmpty());
    QCOMPARE(changed.count(), 0);
}

void TestRoutingEventTracker::faultsStartAndStop()
{
    RoutingEventTracker tracker;
    QSignalSpy changed(&tracker, &RoutingEventTracker::eventsChanged);
    tracker.observe(topology("1", split(80, 20)), T0);
    tracker.observe(topology("2", withDelay(split(80, 20))), T0.addSecs(2));
    tracker.observe(topology("3", split(80, 20)), T0.addSecs(4));
    const QList<RoutingEvent> events = tracker.events(Bookinfo, Reviews);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[0].text, QStringLiteral("fault started on reviews: delay 2s for 50 %"));
    QCOMPARE(events[0].time, T0.addSecs(2));
    QCOMPARE(events[0].resourceVersion, QStringLiteral("2"));
    QCOMPARE(events[1].text, QStringLiteral("fault stopped on reviews (was delay 2s for 50 %)"));
    QCOMPARE(changed.count(), 2);
    QVERIFY(tracker.events(Bookinfo, QStringLiteral("ratings")).isEmpty());
}

void TestRoutingEventTracker::trafficMovesWithWhoMovedIt()
{
    RoutingEventTracker tracker;
    tracker.observe(topology("1", split(80, 20)), T0);
    const nlohmann::json managed = {{"managedFields",
                                     {{{"manager", "kubectl-client-side-apply"}, {"time", "2025-11-26T06:00:00Z"}},
                                      {{"manager", "kubectl-patch"}, {"time", "2025-11-26T07:13:20Z"}}}}};
    tracker.observe(topology("2", split(0, 100), managed), T0.addSecs(2));
    const QList<RoutingEvent> events = tracker.events(Bookinfo, Reviews);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].text, QStringLiteral("traffic of reviews: v1 0 %, v3 100 % by kubectl-patch"));
}

void TestRoutingEventTracker::unchangedObjectsRecordNothing()
{
    RoutingEventTracker tracker;
    tracker.observe(topology("1", withDelay(split(80, 20))), T0);
    tracker.observe(topology("1", withDelay(split(80, 20))), T0.addSecs(2));
    // A new resourceVersion that changes neither faults nor weights (say, a label) is no event either.
    tracker.observe(topology("2", withDelay(split(80, 20))), T0.addSecs(4));
    QVERIFY(tracker.events(Bookinfo, Reviews).isEmpty());
}

void TestRoutingEventTracker::namespacesWithTheSameServiceStayApart_data()
{
    QTest::addColumn<QString>("changedNamespace");
    QTest::addColumn<QString>("quietNamespace");
    QTest::newRow("bookinfo's reviews changes") << Bookinfo << TeamB;
    QTest::newRow("team-b's reviews changes") << TeamB << Bookinfo;
}

void TestRoutingEventTracker::namespacesWithTheSameServiceStayApart()
{
    QFETCH(QString, changedNamespace);
    QFETCH(QString, quietNamespace);
    RoutingEventTracker tracker;
    QSignalSpy changed(&tracker, &RoutingEventTracker::eventsChanged);
    // Both namespaces' VirtualServices carry resourceVersion "1": versions are per object, and equal
    // ones in two namespaces must not be taken for one object.
    tracker.observe(both(namespaceTopology(changedNamespace, "1", split(80, 20)), namespaceTopology(quietNamespace, "1", split(80, 20))), T0);
    tracker.observe(both(namespaceTopology(changedNamespace, "2", withDelay(split(80, 20))),
                         namespaceTopology(quietNamespace, "1", split(80, 20))),
                    T0.addSecs(2));
    const QList<RoutingEvent> events = tracker.events(changedNamespace, Reviews);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].namespaceName, changedNamespace);
    QCOMPARE(events[0].text, QStringLiteral("fault started on reviews: delay 2s for 50 %"));
    QVERIFY(tracker.events(quietNamespace, Reviews).isEmpty());
    QCOMPARE(changed.count(), 1);
}

void TestRoutingEventTracker::namespaceShownAgainStartsFromABaseline()
{
    RoutingEventTracker tracker;
    const MeshTopology bookinfo = namespaceTopology(Bookinfo, "1", split(80, 20));
    tracker.observe(both(bookinfo, namespaceTopology(TeamB, "1", split(80, 20))), T0);
    // team-b is unticked; its fault starts while it is not shown.
    tracker.observe({{bookinfo}, {}}, T0.addSecs(2));
    tracker.observe(both(bookinfo, namespaceTopology(TeamB, "2", withDelay(split(80, 20)))), T0.addSecs(60));
    QVERIFY(tracker.events(TeamB, Reviews).isEmpty());
    // From then on its changes are seen again.
    tracker.observe(both(bookinfo, namespaceTopology(TeamB, "3", split(80, 20))), T0.addSecs(62));
    const QList<RoutingEvent> events = tracker.events(TeamB, Reviews);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].text, QStringLiteral("fault stopped on reviews (was delay 2s for 50 %)"));
    QCOMPARE(events[0].time, T0.addSecs(62));
}

QTEST_GUILESS_MAIN(TestRoutingEventTracker)
#include "tst_routingeventtracker.moc"

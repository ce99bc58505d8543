// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "models/traffic/TrafficSplitModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using WeightMap = QMap<QString, int>;

class TestTrafficSplitModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsFollowDestinationRuleSubsets();
    void refreshUpdatesInPlace();
    void explainsWhyThereIsNoSplit();
    void rebalances_data();
    void rebalances();
    void locksAndEvenly();
    void checksBeforeSending();
    void keepsTheObjectsScale_data();
    void keepsTheObjectsScale();
    void warnsAboutWhatIstioWillIgnore();
    void namesTheWorkloadsEachSubsetSelects();
    void splitsAnHttpRoutesBackends();
    void parsesHttpRoutesAttachedToServices();
};

void TestTrafficSplitModel::rowsFollowDestinationRuleSubsets()
{
    TrafficSplitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})));
    model.setService(QStringLiteral("reviews"));

    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.problem(), QString());
    QCOMPARE(model.routeObjectName(), QStringLiteral("reviews"));
    QCOMPARE(model.resourceVersion(), QStringLiteral("41"));
    const QList<std::pair<QString, double>> expected{
        {QStringLiteral("v1"), 80.0}, {QStringLiteral("v2"), 20.0}, {QStringLiteral("v3"), 0.0}};
    for (int row = 0; row < 3; ++row) {
        const QModelIndex index = model.index(row);
        QCOMPARE(index.data(TrafficSplitModel::SubsetRole).toString(), expected[row].first);
        QCOMPARE(index.data(TrafficSplitModel::ShareRole).toDouble(), expected[row].second);
        QCOMPARE(index.data(TrafficSplitModel::ReadyPodsRole).toInt(), 1);
    }
}

void TestTrafficSplitModel::refreshUpdatesInPlace()
{
    TrafficSplitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setService(QStringLiteral("reviews"));
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", 1}, {"v2", 3}})));
    QCOMPARE(resets.count(), 0);
    QVERIFY(changes.count() > 0);
    QCOMPARE(model.index(0).data(TrafficSplitModel::ShareRole).toDouble(), 25.0);
    QCOMPARE(model.index(1).data(TrafficSplitModel::ShareRole).toDouble(), 75.0);
    QCOMPARE(model.index(1).data(TrafficSplitModel::WeightRole).toInt(), 3);
}

void TestTrafficSplitModel::explainsWhyThereIsNoSplit()
{
    TrafficSplitModel model;
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", 100}})));
    model.setService(QStringLiteral("details"));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY2(model.problem().contains(QStringLiteral("no VirtualService")), qPrintable(model.problem()));
    model.setService(QStringLiteral("nonexistent"));
    QVERIFY2(model.problem().contains(QStringLiteral("not in namespace bookinfo")), qPrintable(model.problem()));
}

void TestTrafficSplitModel::rebalances_data()
{
    QTest::addColumn<WeightMap>("current");
    QTest::addColumn<QString>("subset");
    QTest::addColumn<int>("percent");
    QTest::addColumn<WeightMap>("expected");

    const QString v1 = QStringLiteral("v1"), v2 = QStringLiteral("v2"), v3 = QStringLiteral("v3");
    QTest::newRow("others share the rest in proportion")
        << WeightMap{{v1, 60}, {v2, 30}, {v3, 10}} << v3 << 50 << WeightMap{{v1, 33}, {v2, 17}, {v3, 50}};
    QTest::newRow("others with nothing share evenly")
        << WeightMap{{v1, 100}, {v2, 0}, {v3, 0}} << v1 << 40 << WeightMap{{v1, 40}, {v2, 30}, {v3, 30}};
    QTest::newRow("all to one") << WeightMap{{v1, 80}, {v2, 20}} << v2 << 100 << WeightMap{{v1, 0}, {v2, 100}};
    QTest::newRow("rounding keeps the sum at 100")
        << WeightMap{{v1, 1}, {v2, 1}, {v3, 1}} << v1 << 0 << WeightMap{{v1, 0}, {v2, 50}, {v3, 50}};
    QTest::newRow("relative weights are read as shares")
        << WeightMap{{v1, 1}, {v2, 3}} << v3 << 20 << WeightMap{{v1, 20}, {v2, 60}, {v3, 20}};
    QTest::newRow("out of range is clamped") << WeightMap{{v1, 50}, {v2, 50}} << v1 << 140 << WeightMap{{v1, 100}, {v2, 0}};
}

void TestTrafficSplitModel::rebalances()
{
    QFETCH(WeightMap, current);
    QFETCH(QString, subset);
    QFETCH(int, percent);
    QFETCH(WeightMap, expected);
    const WeightMap result = TrafficSplitModel::rebalanced(current, subset, percent);
    QCOMPARE(result, expected);
    int sum = 0;
    for (int w : result)
        sum += w;
    QCOMPARE(sum, 100);
}

void TestTrafficSplitModel::locksAndEvenly()
{
    const QString v1 = QStringLiteral("v1"), v2 = QStringLiteral("v2"), v3 = QStringLiteral("v3");
    const WeightMap current{{v1, 60}, {v2, 30}, {v3, 10}};
    QCOMPARE(TrafficSplitModel::rebalanced(current, v1, 70, {v3}), (WeightMap{{v1, 70}, {v2, 20}, {v3, 10}}));
    QCOMPARE(TrafficSplitModel::rebalanced(current, v1, 100, {v3}), (WeightMap{{v1, 90}, {v2, 0}, {v3, 10}}));
    QCOMPARE(TrafficSplitModel::evenly(current), (WeightMap{{v1, 34}, {v2, 33}, {v3, 33}}));
    QCOMPARE(TrafficSplitModel::evenly(current, {v1}), (WeightMap{{v1, 60}, {v2, 20}, {v3, 20}}));
}

void TestTrafficSplitModel::checksBeforeSending()
{
    TrafficSplitModel model;
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})));
    model.setService(QStringLiteral("reviews"));
    const QString v1 = QStringLiteral("v1"), v2 = QStringLiteral("v2");
    QCOMPARE(model.problemWith({{v1, 50}, {v2, 50}}), QString());
    QVERIFY(model.problemWith({{v1, 0}, {v2, 0}}).contains(QStringLiteral("all weights are 0")));
    QVERIFY(model.problemWith({{v1, 50}, {QStringLiteral("v9"), 50}}).contains(QStringLiteral("not defined")));
    QVERIFY(model.problemWith({{v1, -5}, {v2, 105}}).contains(QStringLiteral("negative")));
    QCOMPARE(TrafficSplitModel::movedPercent(model.weights(), {{v1, 70}, {v2, 30}}), 10);
    QCOMPARE(TrafficSplitModel::movedPercent(model.weights(), {{v1, 0}, {v2, 100}}), 80);
    QCOMPARE(model.liveSubset(), v1);
}

void TestTrafficSplitModel::keepsTheObjectsScale_data()
{
    QTest::addColumn<int>("v1");
    QTest::addColumn<int>("v2");
    QTest::addColumn<QList<int>>("written"); // for 75 % / 25 %
    QTest::newRow("percent") << 80 << 20 << QList<int>{75, 25};
    QTest::newRow("per mille") << 800 << 200 << QList<int>{750, 250};
    QTest::newRow("odd scale rounds to its total") << 667 << 333 << QList<int>{750, 250};
    QTest::newRow("coarse scale would lose precision: percent") << 2 << 1 << QList<int>{75, 25};
}

void TestTrafficSplitModel::keepsTheObjectsScale()
{
    QFETCH(int, v1);
    QFETCH(int, v2);
    QFETCH(QList<int>, written);
    TrafficSplitModel model;
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", v1}, {"v2", v2}})));
    model.setService(QStringLiteral("reviews"));
    const QString a = QStringLiteral("v1"), b = QStringLiteral("v2");
    const QMap<QString, int> weights = model.onCurrentScale({{a, 75}, {b, 25}});
    QCOMPARE(weights.value(a), written[0]);
    QCOMPARE(weights.value(b), written[1]);
}

void TestTrafficSplitModel::warnsAboutWhatIstioWillIgnore()
{
    TrafficSplitModel model;
    MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 100}}));
    nlohmann::json vs = *topology.virtualServices.first().raw;
    const nlohmann::json jason = {{"match", nlohmann::json::array({{{"headers", {{"end-user", {{"exact", "jason"}}}}}}})},
                                  {"route", weightedRoute({{"v2", 100}})}};
    vs["spec"]["http"] = nlohmann::json::array({jason, jason, vs["spec"]["http"][0]});
    vs["spec"]["http"][2]["fault"] = {{"abort", {{"httpStatus", 500}, {"percentage", {{"value", 10}}}}}};
    vs["spec"]["http"][2]["timeout"] = "2s";
    topology.virtualServices.first().raw = std::make_shared<const nlohmann::json>(vs);
    model.setTopology(topology);
    model.setService(QStringLiteral("reviews"));
    const QStringList warnings = model.warnings();
    QCOMPARE(warnings.size(), 2);
    QVERIFY2(warnings[0].contains(QStringLiteral("Route 2")) && warnings[0].contains(QStringLiteral("never used")), qPrintable(warnings[0]));
    QVERIFY2(warnings[1].contains(QStringLiteral("Route 3 injects a fault")), qPrintable(warnings[1]));
}

void TestTrafficSplitModel::namesTheWorkloadsEachSubsetSelects()
{
    TrafficSplitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTopology(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})));
    model.setService(QStringLiteral("reviews"));
    QCOMPARE(model.index(1).data(TrafficSplitModel::WorkloadsRole).toString(), QStringLiteral("reviews-v2 (1 of 1 pods ready)"));
}

void TestTrafficSplitModel::splitsAnHttpRoutesBackends()
{
    // ratings routed the Gateway API way: no VirtualService, an HTTPRoute to per-version Services.
    MeshTopology topology = bookinfoTopology(weightedRoute({{"v1", 100}}));
    topology.services.append({QStringLiteral("ratings-v1"), {{QStringLiteral("app"), QStringLiteral("ratings")}, {QStringLiteral("version"), QStringLiteral("v1")}}});
    topology.services.append({QStringLiteral("ratings-v2"), {{QStringLiteral("app"), QStringLiteral("ratings")}, {QStringLiteral("version"), QStringLiteral("v2")}}});
    MeshHttpRoute route;
    route.name = QStringLiteral("ratings");
    route.parentServices = {QStringLiteral("ratings")};
    route.raw = std::make_shared<const nlohmann::json>(nlohmann::json::parse(R"({"metadata":{"name":"ratings"},
        "spec":{"parentRefs":[{"kind":"Service","name":"ratings"}],
                "rules":[{"backendRefs":[{"name":"ratings-v1","weight":90},{"name":"ratings-v2","weight":10}]}]}})"));
    topology.httpRoutes.append(route);

    TrafficSplitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTopology(topology);
    model.setService(QStringLiteral("ratings"));
    QCOMPARE(model.problem(), QString());
    QCOMPARE(model.routeKind(), TrafficSplitModel::RouteKind::HTTPRoute);
    QCOMPARE(model.routeObjectName(), QStringLiteral("ratings"));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(TrafficSplitModel::SubsetRole).toString(), QStringLiteral("ratings-v1"));
    QCOMPARE(model.index(0).data(TrafficSplitModel::ShareRole).toDouble(), 90.0);
    QCOMPARE(model.index(0).data(TrafficSplitModel::ReadyPodsRole).toInt(), 1); // ratings-v1's pod
    QCOMPARE(model.index(1).data(TrafficSplitModel::ReadyPodsRole).toInt(), 0); // no ratings v2 pods
    QVERIFY(model.problemWith({{QStringLiteral("ratings-v1"), 50}, {QStringLiteral("ratings-v9"), 50}}).contains(QStringLiteral("does not exist")));
    QVERIFY(model.problemWith({{QStringLiteral("ratings-v1"), 50}, {QStringLiteral("ratings-v2"), 50}}).contains(QStringLiteral("no ready pod")));
    QVERIFY(model.matchRoutes().isEmpty());
    QVERIFY(model.missingRoutingObjects().isEmpty()); // nothing to create: the HTTPRoute routes it
    // The preview is of the HTTPRoute's backend weights.
    QStringList changed;
    for (const DiffLine& line : model.previewOf({{QStringLiteral("ratings-v1"), 100}, {QStringLiteral("ratings-v2"), 0}})) {
        if (line.kind != DiffLine::Kind::Same)
            changed.append((line.kind == DiffLine::Kind::Added ? u'+' : u'-') + line.text.trimmed());
    }
    QCOMPARE(changed, (QStringList{QStringLiteral("-weight: 90"), QStringLiteral("+weight: 100"), QStringLiteral("-weight: 10"),
                                   QStringLiteral("+weight: 0")}));
}

void TestTrafficSplitModel::parsesHttpRoutesAttachedToServices()
{
    TopologyLists lists;
    lists.httpRoutes = std::make_shared<const nlohmann::json>(nlohmann::json::parse(R"({"items":[
        {"metadata":{"name":"mesh","resourceVersion":"12"},"spec":{"parentRefs":[
            {"group":"","kind":"Service","name":"ratings"},{"kind":"Service","name":"details"},
            {"group":"gateway.networking.k8s.io","kind":"Gateway","name":"public"}]}},
        {"metadata":{"name":"ingress"},"spec":{"parentRefs":[{"name":"public"}]}}]})"));
    const MeshTopology topology = topologyOf(QStringLiteral("bookinfo"), lists);
    QCOMPARE(topology.httpRoutes.size(), 2);
    // Services are parents in mesh (GAMMA) routing; a Gateway parent routes ingress, not the mesh.
    QCOMPARE(topology.httpRoutes[0].parentServices, (QStringList{QStringLiteral("ratings"), QStringLiteral("details")}));
    QCOMPARE(topology.httpRoutes[0].resourceVersion, QStringLiteral("12"));
    QVERIFY(topology.httpRoutes[1].parentServices.isEmpty());
    QCOMPARE(topology.httpRouteFor(QStringLiteral("details"))->name, QStringLiteral("mesh"));
    QVERIFY(!topology.httpRouteFor(QStringLiteral("reviews")));
}

QTEST_GUILESS_MAIN(TestTrafficSplitModel)
#include "tst_trafficsplitmodel.moc"

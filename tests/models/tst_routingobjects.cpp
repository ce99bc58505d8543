// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "models/traffic/RoutingObjects.h"

#include <QTest>

// The VirtualService and DestinationRule MeshDeck offers to create for a service that lacks them.
class TestRoutingObjects : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void createsBothWhenBothAreMissing();
    void usesTheExistingRulesSubsets();
    void nothingWhenBothExist();
    void weightsFollowReadyPods_data();
    void weightsFollowReadyPods();
    void refusesWithoutVersionLabels();
};

namespace {
QString text(const nlohmann::json& value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString::fromStdString(value.dump());
}

const MeshTopology Bookinfo = bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}}));

QMap<QString, int> weightsOf(const nlohmann::json& virtualService)
{
    QMap<QString, int> weights;
    for (const auto& destination : virtualService["spec"]["http"][0]["route"])
        weights.insert(QString::fromStdString(destination["destination"]["subset"].get<std::string>()), destination["weight"].get<int>());
    return weights;
}
} // namespace

void TestRoutingObjects::createsBothWhenBothAreMissing()
{
    QString problem;
    const auto objects = RoutingObjects::missingFor(Bookinfo, QStringLiteral("details"), &problem);
    QCOMPARE(objects.size(), std::size_t(2));
    const nlohmann::json& rule = objects[0];
    const nlohmann::json& route = objects[1];
    // Named after the service, as Kiali's wizards name them, and labelled as MeshDeck's.
    QCOMPARE(text(rule["kind"]), QStringLiteral("DestinationRule"));
    QCOMPARE(text(rule["metadata"]["name"]), QStringLiteral("details"));
    QCOMPARE(text(rule["metadata"]["namespace"]), QStringLiteral("bookinfo"));
    QCOMPARE(text(rule["metadata"]["labels"]["app.kubernetes.io/managed-by"]), QStringLiteral("meshdeck"));
    QCOMPARE(text(rule["spec"]["host"]), QStringLiteral("details"));
    QVERIFY(rule["spec"]["subsets"] == nlohmann::json::parse(R"([{"name":"v1","labels":{"version":"v1"}}])"));
    QCOMPARE(text(route["kind"]), QStringLiteral("VirtualService"));
    QCOMPARE(text(route["apiVersion"]), QStringLiteral("networking.istio.io/v1"));
    QVERIFY(route["spec"]["hosts"] == nlohmann::json::parse(R"(["details"])"));
    QCOMPARE(weightsOf(route), (QMap<QString, int>{{QStringLiteral("v1"), 100}}));
}

void TestRoutingObjects::usesTheExistingRulesSubsets()
{
    QString problem;
    const auto objects = RoutingObjects::missingFor(Bookinfo, QStringLiteral("ratings"), &problem);
    QCOMPARE(objects.size(), std::size_t(1));
    QCOMPARE(text(objects[0]["kind"]), QStringLiteral("VirtualService"));
    QCOMPARE(weightsOf(objects[0]), (QMap<QString, int>{{QStringLiteral("v1"), 100}}));
}

void TestRoutingObjects::nothingWhenBothExist()
{
    QString problem;
    QVERIFY(RoutingObjects::missingFor(Bookinfo, QStringLiteral("reviews"), &problem).empty());
    QVERIFY(problem.isEmpty());
    QVERIFY(RoutingObjects::missingFor(Bookinfo, QStringLiteral("nosuch"), &problem).empty());
    QVERIFY(problem.contains(QStringLiteral("not in namespace")));
}

void TestRoutingObjects::weightsFollowReadyPods_data()
{
    QTest::addColumn<QList<int>>("readyPods"); // reviews v1, v2, v3
    QTest::addColumn<QList<int>>("weights");
    QTest::newRow("one each") << QList<int>{1, 1, 1} << QList<int>{34, 33, 33};
    QTest::newRow("two of v1") << QList<int>{2, 1, 1} << QList<int>{50, 25, 25};
    QTest::newRow("v3 not ready") << QList<int>{1, 2, 0} << QList<int>{33, 67, 0};
    QTest::newRow("none ready") << QList<int>{0, 0, 0} << QList<int>{34, 33, 33};
}

void TestRoutingObjects::weightsFollowReadyPods()
{
    // Without a VirtualService the mesh balances over endpoints, so today's traffic goes to each
    // version by its ready pods; the new VirtualService must keep it that way.
    QFETCH(QList<int>, readyPods);
    QFETCH(QList<int>, weights);
    MeshTopology topology = Bookinfo;
    topology.virtualServices.clear();
    for (MeshWorkload& workload : topology.workloads) {
        if (workload.app == u"reviews")
            workload.readyPods = readyPods.at(workload.version.mid(1).toInt() - 1);
    }
    QString problem;
    const auto objects = RoutingObjects::missingFor(topology, QStringLiteral("reviews"), &problem);
    QCOMPARE(objects.size(), std::size_t(1));
    QCOMPARE(weightsOf(objects[0]), (QMap<QString, int>{{QStringLiteral("v1"), weights[0]}, {QStringLiteral("v2"), weights[1]},
                                                        {QStringLiteral("v3"), weights[2]}}));
}

void TestRoutingObjects::refusesWithoutVersionLabels()
{
    MeshTopology topology = Bookinfo;
    for (MeshWorkload& workload : topology.workloads)
        workload.version.clear();
    QString problem;
    QVERIFY(RoutingObjects::missingFor(topology, QStringLiteral("details"), &problem).empty());
    QVERIFY2(problem.contains(QStringLiteral("version label")), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestRoutingObjects)
#include "tst_routingobjects.moc"

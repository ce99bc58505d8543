// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "models/traffic/VirtualServiceSplit.h"

#include "kubeclient/OptimisticUpdate.h"
#include "kubeclient/YamlJsonConverter.h"

#include <QDir>
#include <QTest>

using nlohmann::json;

Q_DECLARE_METATYPE(json)

class TestVirtualServiceSplit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsWeights_data();
    void readsWeights();
    void patchChangesOnlyWeights_data();
    void patchChangesOnlyWeights();
    void patchIsGuardedByResourceVersion();
    void refusesWhenTheRouteIsGone();
    void everySampleKeepsEveryOtherField_data();
    void everySampleKeepsEveryOtherField();
    void httpRouteBackendsAreTheSplit();
    void httpRouteWeightsChangeOnlyWeights();
};

namespace {

MeshTopology topology()
{
    return bookinfoTopology(weightedRoute({{"v1", 100}}));
}

json virtualService(const json& http)
{
    // Fields MeshDeck does not model must survive every edit.
    return {{"apiVersion", "networking.istio.io/v1"},
            {"kind", "VirtualService"},
            {"metadata", {{"name", "reviews"}, {"resourceVersion", "7"}, {"annotations", {{"team", "books"}}}}},
            {"spec", {{"hosts", {"reviews"}}, {"gateways", {"mesh"}}, {"http", http}}}};
}

} // namespace

void TestVirtualServiceSplit::readsWeights_data()
{
    QTest::addColumn<json>("http");
    QTest::addColumn<int>("routeIndex");
    QTest::addColumn<QString>("expected"); // "subset=weight ..."

    QTest::newRow("lone destination without weight gets everything")
        << json::array({{{"route", {{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}}}}}}) << 0
        << QStringLiteral("v1=100");
    QTest::newRow("80/20") << json::array({{{"route", weightedRoute({{"v1", 80}, {"v2", 20}})}}}) << 0
                           << QStringLiteral("v1=80 v2=20");
    QTest::newRow("relative weights need not sum to 100")
        << json::array({{{"route", weightedRoute({{"v1", 1}, {"v2", 3}})}}}) << 0 << QStringLiteral("v1=1 v2=3");
    QTest::newRow("match route first, default route second")
        << json::array({{{"match", json::array({{{"headers", {{"end-user", {{"exact", "jason"}}}}}}})},
                         {"route", weightedRoute({{"v2", 100}})}},
                        {{"route", weightedRoute({{"v1", 100}})}}})
        << 1 << QStringLiteral("v1=100");
    QTest::newRow("only match routes: nothing to split")
        << json::array({{{"match", json::array({{{"uri", {{"prefix", "/a"}}}}})}, {"route", weightedRoute({{"v1", 100}})}}})
        << -1 << QString();
    QTest::newRow("destinations of other hosts are not this service's")
        << json::array({{{"route", json::array({{{"destination", {{"host", "mirror"}}}, {"weight", 50}},
                                                {{"destination", {{"host", "reviews"}, {"subset", "v2"}}}, {"weight", 50}}})}}})
        << 0 << QStringLiteral("v2=50");
}

void TestVirtualServiceSplit::readsWeights()
{
    QFETCH(json, http);
    QFETCH(int, routeIndex);
    QFETCH(QString, expected);

    const VirtualServiceSplit split = VirtualServiceSplit::read(virtualService(http), topology(), QStringLiteral("reviews"));
    QCOMPARE(split.routeIndex(), routeIndex);
    QStringList actual;
    for (const SplitDestination& d : split.destinations())
        actual.append(d.subset + u'=' + QString::number(d.weight));
    QCOMPARE(actual.join(u' '), expected);
}

void TestVirtualServiceSplit::patchChangesOnlyWeights_data()
{
    QTest::addColumn<json>("http");
    QTest::addColumn<json>("expectedRoute");

    QTest::newRow("all-v1 to 80/20 adds a weight and a destination")
        << json::array({{{"route", {{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}}}}, {"timeout", "5s"}}})
        << weightedRoute({{"v1", 80}, {"v2", 20}});
    QTest::newRow("existing weights are replaced, absent subsets go to 0")
        << json::array({{{"route", weightedRoute({{"v1", 50}, {"v3", 50}})}, {"timeout", "5s"}}})
        << weightedRoute({{"v1", 80}, {"v3", 0}, {"v2", 20}});
}

void TestVirtualServiceSplit::patchChangesOnlyWeights()
{
    QFETCH(json, http);
    QFETCH(json, expectedRoute);

    const json before = virtualService(http);
    json after = before;
    QCOMPARE(VirtualServiceSplit::applyWeights(after, topology(), QStringLiteral("reviews"),
                                               {{QStringLiteral("v1"), 80}, {QStringLiteral("v2"), 20}}),
             QString());
    QCOMPARE(after["spec"]["http"][0]["route"].dump(), expectedRoute.dump());
    // Everything else is untouched, byte for byte.
    json expected = before;
    expected["spec"]["http"][0]["route"] = expectedRoute;
    QCOMPARE(after.dump(), expected.dump());
}

void TestVirtualServiceSplit::patchIsGuardedByResourceVersion()
{
    const json before = virtualService(json::array({{{"route", weightedRoute({{"v1", 100}})}}}));
    json after = before;
    VirtualServiceSplit::applyWeights(after, topology(), QStringLiteral("reviews"),
                                      {{QStringLiteral("v1"), 50}, {QStringLiteral("v2"), 50}});
    // What goes on the wire: a JSON Patch of the weights only, after a test of the version read.
    const json patch = json::parse(kube::OptimisticUpdate::writeBody(kube::WriteMethod::JsonPatch, before, after));
    QCOMPARE(patch.front()["op"].get<std::string>(), std::string("test"));
    QCOMPARE(patch.front()["path"].get<std::string>(), std::string("/metadata/resourceVersion"));
    QCOMPARE(before.patch(patch).dump(), after.dump());
    for (std::size_t i = 1; i < patch.size(); ++i)
        QVERIFY(patch[i]["path"].get<std::string>().rfind("/spec/http/0/route", 0) == 0);
    // A concurrent writer moved the object on: the patch must not apply.
    json moved = before;
    moved["metadata"]["resourceVersion"] = "8";
    QVERIFY_THROWS_EXCEPTION(json::exception, moved.patch(patch));
}

void TestVirtualServiceSplit::refusesWhenTheRouteIsGone()
{
    json object = virtualService(json::array({{{"match", json::array({{{"uri", {{"prefix", "/a"}}}}})},
                                                {"route", weightedRoute({{"v1", 100}})}}}));
    const json before = object;
    const QString problem = VirtualServiceSplit::applyWeights(object, topology(), QStringLiteral("reviews"),
                                                              {{QStringLiteral("v2"), 100}});
    QVERIFY2(problem.contains(QStringLiteral("no longer has a default route")), qPrintable(problem));
    QCOMPARE(object.dump(), before.dump());
}

void TestVirtualServiceSplit::everySampleKeepsEveryOtherField_data()
{
    QTest::addColumn<json>("virtualService");
    const QDir samples(QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples"));
    for (const QString& name : samples.entryList({QStringLiteral("*.yaml")})) {
        for (const json& document : kube::YamlJsonConverter::loadAll(samples.filePath(name).toStdString())) {
            if (document.value("kind", "") == "VirtualService")
                QTest::newRow(qPrintable(name + u':' + QString::fromStdString(document["metadata"]["name"].get<std::string>())))
                    << document;
        }
    }
}

void TestVirtualServiceSplit::everySampleKeepsEveryOtherField()
{
    // Istio's own manifests: a weight change touches the default route's weights (and adds the
    // destinations it names) and nothing else, byte for byte.
    QFETCH(json, virtualService);
    const QString service = QString::fromStdString(virtualService["spec"]["hosts"][0].get<std::string>());
    MeshTopology scope;
    scope.namespaceName = QStringLiteral("bookinfo");
    const VirtualServiceSplit split = VirtualServiceSplit::read(virtualService, scope, service);
    QVERIFY(split.isValid());
    QMap<QString, int> weights;
    for (const SplitDestination& d : split.destinations())
        weights.insert(d.subset, 0);
    weights[split.destinations().first().subset] = 70;
    weights[QStringLiteral("canary")] = 30;

    json after = virtualService;
    QCOMPARE(VirtualServiceSplit::applyWeights(after, scope, service, weights), QString());
    const std::string routePath = "/spec/http/" + std::to_string(split.routeIndex()) + "/route/";
    for (const json& operation : json::diff(virtualService, after)) {
        const std::string path = operation["path"].get<std::string>();
        QVERIFY2(path.rfind(routePath, 0) == 0, operation.dump().c_str());
        const bool weight = path.size() > 7 && path.compare(path.size() - 7, 7, "/weight") == 0;
        const bool added = operation["op"] == "add" && path.find('/', routePath.size()) == std::string::npos;
        QVERIFY2(weight || added, operation.dump().c_str());
    }
    // Read back, the split is what was written.
    const VirtualServiceSplit reread = VirtualServiceSplit::read(after, scope, service);
    QCOMPARE(reread.weightOf(split.destinations().first().subset), 70);
    QCOMPARE(reread.weightOf(QStringLiteral("canary")), 30);
}

namespace {
json httpRoute()
{
    // GAMMA: the route attached to the reviews Service sends its traffic to per-version Services.
    return json::parse(R"({"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute",
        "metadata":{"name":"reviews","labels":{"team":"books"}},
        "spec":{"parentRefs":[{"group":"","kind":"Service","name":"reviews","port":9080}],
                "rules":[{"matches":[{"headers":[{"name":"end-user","value":"jason"}]}],"backendRefs":[{"name":"reviews-v3","port":9080}]},
                         {"backendRefs":[{"name":"reviews-v1","port":9080,"weight":3},{"name":"reviews-v2","port":9080}],
                          "timeouts":{"request":"5s"}}]}})");
}
} // namespace

void TestVirtualServiceSplit::httpRouteBackendsAreTheSplit()
{
    const VirtualServiceSplit split = VirtualServiceSplit::readHttpRoute(httpRoute());
    QCOMPARE(split.routeIndex(), 1); // the rule without matches
    QStringList actual;
    for (const SplitDestination& d : split.destinations())
        actual.append(d.subset + u'=' + QString::number(d.weight));
    QCOMPARE(actual.join(u' '), QStringLiteral("reviews-v1=3 reviews-v2=1")); // a missing weight is 1
    QCOMPARE(split.totalWeight(), 4);
}

void TestVirtualServiceSplit::httpRouteWeightsChangeOnlyWeights()
{
    const json before = httpRoute();
    json after = before;
    QCOMPARE(VirtualServiceSplit::applyHttpRouteWeights(after, {{QStringLiteral("reviews-v1"), 50}, {QStringLiteral("reviews-v3"), 50}}),
             QString());
    json expected = before;
    json& backends = expected["spec"]["rules"][1]["backendRefs"];
    backends[0]["weight"] = 50;
    backends[1]["weight"] = 0;
    backends.push_back({{"name", "reviews-v3"}, {"weight", 50}, {"port", 9080}});
    QCOMPARE(after.dump(), expected.dump());
}

QTEST_GUILESS_MAIN(TestVirtualServiceSplit)
#include "tst_virtualservicesplit.moc"

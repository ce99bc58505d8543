// SPDX-License-Identifier: Apache-2.0
// What the topology's informers keep of services, deployments and pods (MeshTopologyParser's
// *Fields, their transform): the topology read from the kept fields is the one read from the whole
// objects, for every case the parser tells apart, while what it never reads (managedFields,
// annotations, images, the rest of the status) is gone.
#include "models/mesh/MeshTopologyParser.h"

#include <nlohmann/json.hpp>

#include <QTest>

using nlohmann::json;

class TestMeshObjectFields : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void podsCountTheSame_data();
    void podsCountTheSame();
    void servicesAndDeploymentsReadTheSame();
    void onlyWhatIsReadIsKept();
};

namespace {

json metadata(const std::string& name, json labels = json::object())
{
    return {{"name", name},
            {"namespace", "bookinfo"},
            {"resourceVersion", "4711"},
            {"uid", "0f1e2d3c"},
            {"labels", std::move(labels)},
            {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", std::string(2000, 'x')}}},
            {"managedFields", json::array({{{"manager", "kubectl"}, {"operation", "Apply"}, {"fieldsV1", {{"f:spec", json::object()}}}}})}};
}

// A pod as the API server returns it: containers with images and ports, several conditions.
json pod(const std::string& name, bool ready, const char* sidecarIn)
{
    json containers = json::array({{{"name", "reviews"}, {"image", "istio/examples-bookinfo-reviews-v1:1.20"}, {"ports", {{{"containerPort", 9080}}}}}});
    json initContainers = json::array({{{"name", "istio-init"}, {"image", "istio/proxyv2:1.22"}}});
    const json proxy = {{"name", "istio-proxy"}, {"image", "istio/proxyv2:1.22"}, {"args", {"proxy", "sidecar"}}};
    if (std::string(sidecarIn) == "containers")
        containers.push_back(proxy);
    else if (std::string(sidecarIn) == "initContainers")
        initContainers.push_back(proxy); // a native sidecar (Kubernetes 1.28+)
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", metadata(name, {{"app", "reviews"}, {"version", "v1"}, {"pod-template-hash", "5c9d"}})},
            {"spec", {{"containers", containers}, {"initContainers", initContainers}, {"nodeName", "node-1"}}},
            {"status",
             {{"phase", "Running"},
              {"podIP", "10.0.0.7"},
              {"conditions",
               json::array({{{"type", "Initialized"}, {"status", "True"}},
                            {{"type", "Ready"}, {"status", ready ? "True" : "False"}},
                            {{"type", "ContainersReady"}, {"status", ready ? "True" : "False"}}})}}}};
}

json service()
{
    return {{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata", metadata("reviews", {{"app", "reviews"}})},
            {"spec", {{"selector", {{"app", "reviews"}}}, {"ports", {{{"port", 9080}}}}, {"clusterIP", "10.96.0.12"}}}};
}

json deployment(int replicas)
{
    const json labels = {{"app", "reviews"}, {"version", "v1"}};
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", metadata("reviews-v1", labels)},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", labels}}},
              {"template", {{"metadata", {{"labels", labels}}}, {"spec", {{"containers", {{{"name", "reviews"}}}}}}}}}},
            {"status", {{"replicas", replicas}, {"readyReplicas", replicas}}}};
}

RawObject shared(const json& object)
{
    return std::make_shared<const json>(object);
}

// The namespace's topology from these objects, whole or as the informers keep them.
MeshTopology read(const json& pods, bool kept)
{
    MeshTopologyParser parser(QStringLiteral("bookinfo"));
    parser.addService(kept ? *MeshTopologyParser::serviceFields(shared(service())) : service());
    parser.addDeployment(kept ? *MeshTopologyParser::deploymentFields(shared(deployment(3))) : deployment(3));
    for (const json& p : pods)
        parser.addPod(kept ? *MeshTopologyParser::podFields(shared(p)) : p);
    return parser.finish();
}

} // namespace

void TestMeshObjectFields::podsCountTheSame_data()
{
    QTest::addColumn<bool>("ready");
    QTest::addColumn<QString>("sidecarIn");
    QTest::addColumn<int>("readyPods");
    QTest::addColumn<int>("withoutSidecar");
    QTest::newRow("ready, sidecar") << true << QStringLiteral("containers") << 1 << 0;
    QTest::newRow("not ready, sidecar") << false << QStringLiteral("containers") << 0 << 0;
    QTest::newRow("ready, native sidecar") << true << QStringLiteral("initContainers") << 1 << 0;
    QTest::newRow("ready, no sidecar") << true << QStringLiteral("none") << 1 << 1;
    QTest::newRow("not ready, no sidecar") << false << QStringLiteral("none") << 0 << 1;
}

void TestMeshObjectFields::podsCountTheSame()
{
    QFETCH(bool, ready);
    QFETCH(QString, sidecarIn);
    QFETCH(int, readyPods);
    QFETCH(int, withoutSidecar);
    const json pods = json::array({pod("reviews-v1-a", ready, qPrintable(sidecarIn)), pod("reviews-v1-b", true, "containers")});
    for (const bool kept : {false, true}) {
        const MeshTopology topology = read(pods, kept);
        QCOMPARE(topology.workloads.size(), 1);
        QCOMPARE(topology.workloads.first().readyPods, readyPods + 1);
        QCOMPARE(topology.workloads.first().podsWithoutSidecar, withoutSidecar);
    }
}

void TestMeshObjectFields::servicesAndDeploymentsReadTheSame()
{
    const MeshTopology whole = read(json::array(), false);
    const MeshTopology kept = read(json::array(), true);
    QCOMPARE(kept.services.size(), 1);
    QCOMPARE(kept.services.first().name, whole.services.first().name);
    QCOMPARE(kept.services.first().selector, whole.services.first().selector);
    QCOMPARE(kept.workloads.size(), 1);
    const MeshWorkload& w = kept.workloads.first();
    QCOMPARE(w.name, QStringLiteral("reviews-v1"));
    QCOMPARE(w.app, QStringLiteral("reviews"));
    QCOMPARE(w.version, QStringLiteral("v1"));
    QCOMPARE(w.desiredReplicas, 3);
    QCOMPARE(w.podLabels, whole.workloads.first().podLabels);
    QCOMPARE(kept.workloadsOf(QStringLiteral("reviews")).size(), 1);
}

void TestMeshObjectFields::onlyWhatIsReadIsKept()
{
    const json whole = pod("reviews-v1-a", true, "containers");
    const json kept = *MeshTopologyParser::podFields(shared(whole));
    // What an informer's cache keys and compares on, and the labels pods are matched by.
    for (const char* key : {"name", "namespace", "resourceVersion", "labels"})
        QVERIFY2(kept["metadata"][key] == whole["metadata"][key], key);
    const json expected = json::parse(R"({
        "metadata": {"name": "reviews-v1-a", "namespace": "bookinfo", "resourceVersion": "4711",
                     "labels": {"app": "reviews", "version": "v1", "pod-template-hash": "5c9d"}},
        "spec": {"containers": [{"name": "reviews"}, {"name": "istio-proxy"}], "initContainers": [{"name": "istio-init"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}})");
    QVERIFY2(kept == expected, kept.dump().c_str());
    QVERIFY(kept.dump().size() * 5 < whole.dump().size());

    for (const json& object : {*MeshTopologyParser::serviceFields(shared(service())), *MeshTopologyParser::deploymentFields(shared(deployment(2)))}) {
        QVERIFY2(!object["metadata"].contains("managedFields") && !object["metadata"].contains("annotations")
                     && !object.contains("status") && object["metadata"]["resourceVersion"] == "4711",
                 object.dump().c_str());
    }
}

QTEST_APPLESS_MAIN(TestMeshObjectFields)
#include "tst_meshobjectfields.moc"

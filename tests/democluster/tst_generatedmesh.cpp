// SPDX-License-Identifier: Apache-2.0
// The generated mesh (--services N): its shape, its determinism, its objects in a real store and
// the traffic the simulator sends through it.

#include "AdmissionValidator.h"
#include "ClusterBootstrap.h"
#include "CommandLineOptions.h"
#include "DeploymentController.h"
#include "IstioMetrics.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TrafficSimulator.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>
#include <deque>
#include <map>
#include <set>

using namespace democluster;

namespace {

const std::filesystem::path resourcesDir = MESHDECK_SOURCE_DIR "/resources";

Scenario generated(int services)
{
    return Scenario::load(resourcesDir / "scenarios" / "generated.yaml", services);
}

std::vector<nlohmann::json> objectsOfKind(const Scenario& scenario, const std::string& kind)
{
    std::vector<nlohmann::json> result;
    for (const auto& object : *scenario.objects) {
        if (object["kind"] == kind)
            result.push_back(object);
    }
    return result;
}

// Call depth of every service from the entry service, by breadth-first search over the calls.
std::map<std::string, int> depths(const Scenario& scenario)
{
    std::map<std::string, int> depth{{scenario.entryService, 0}};
    std::deque<std::string> queue{scenario.entryService};
    while (!queue.empty()) {
        const std::string service = queue.front();
        queue.pop_front();
        for (const auto& call : scenario.calls) {
            if (call.from == service && !depth.count(call.to)) {
                depth[call.to] = depth[service] + 1;
                queue.push_back(call.to);
            }
        }
    }
    return depth;
}

} // namespace

class TestGeneratedMesh : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shape_data();
    void shape();
    void sameCountSameMesh();
    void refusesCountsOutOfRange();
    void servicesOptionPicksTheGeneratedScenario();
    void bootstrapsAsRealObjects();
    void trafficReachesEveryWorkload();
    void largeMeshReportsWhatMeshDeckReads_data();
    void largeMeshReportsWhatMeshDeckReads();
};

void TestGeneratedMesh::shape_data()
{
    QTest::addColumn<int>("services");
    QTest::newRow("1") << 1;
    QTest::newRow("7") << 7;
    QTest::newRow("50") << 50;
    QTest::newRow("2000") << 2000;
}

void TestGeneratedMesh::shape()
{
    QFETCH(int, services);
    const Scenario scenario = generated(services);
    QCOMPARE(scenario.entryService, std::string("frontend"));
    std::set<std::string> names;
    for (const auto& service : objectsOfKind(scenario, "Service")) {
        if (!service["spec"]["selector"].contains("version"))
            names.insert(service["metadata"]["name"].get<std::string>());
    }
    QCOMPARE(static_cast<int>(names.size()), services);

    // Layered: every service is reachable from the entry, and every call goes one layer down.
    const auto depth = depths(scenario);
    QCOMPARE(static_cast<int>(depth.size()), services);
    std::map<std::string, std::vector<const Scenario::Call*>> callees;
    for (const auto& call : scenario.calls) {
        QCOMPARE(depth.at(call.to), depth.at(call.from) + 1);
        callees[call.from].push_back(&call);
    }
    // About three callees each, every call made by a share of the requests adding up to one.
    double calls = 0;
    for (const auto& [from, list] : callees) {
        calls += static_cast<double>(list.size());
        QVERIFY(list.size() <= 4);
        double shares = 0;
        for (const auto* call : list)
            shares += call->share;
        QVERIFY2(std::abs(shares - 1) < 0.01, from.c_str());
    }
    if (services >= 50) {
        const double mean = calls / static_cast<double>(callees.size());
        QVERIFY2(mean >= 2.5 && mean <= 3.5, qPrintable(QString::number(mean)));
    }

    // Versions: one Deployment and one profile per version, 1 to 3 per service.
    std::map<std::string, int> versions;
    for (const auto& deployment : objectsOfKind(scenario, "Deployment"))
        ++versions[deployment["spec"]["template"]["metadata"]["labels"]["app"].get<std::string>()];
    QCOMPARE(static_cast<int>(versions.size()), services);
    std::size_t deployments = 0;
    for (const auto& [app, count] : versions) {
        QVERIFY(count >= 1 && count <= 3);
        deployments += static_cast<std::size_t>(count);
        for (int v = 1; v <= count; ++v)
            QCOMPARE(scenario.profileFor(app, 'v' + std::to_string(v)).service, app);
    }
    QCOMPARE(scenario.profiles.size(), deployments);
    if (services >= 50) {
        // Every way of splitting appears.
        QVERIFY(!objectsOfKind(scenario, "VirtualService").empty());
        QCOMPARE(objectsOfKind(scenario, "VirtualService").size(), objectsOfKind(scenario, "DestinationRule").size());
        QVERIFY(!objectsOfKind(scenario, "HTTPRoute").empty());
    }
}

void TestGeneratedMesh::sameCountSameMesh()
{
    const Scenario first = generated(300);
    const Scenario second = generated(300);
    QCOMPARE(nlohmann::json(*first.objects).dump(), nlohmann::json(*second.objects).dump());
    QCOMPARE(first.calls.size(), second.calls.size());
    for (std::size_t i = 0; i < first.calls.size(); ++i) {
        QCOMPARE(first.calls[i].from, second.calls[i].from);
        QCOMPARE(first.calls[i].to, second.calls[i].to);
        QCOMPARE(first.calls[i].timeoutMs, second.calls[i].timeoutMs);
    }
    for (std::size_t i = 0; i < first.profiles.size(); ++i)
        QCOMPARE(first.profiles[i].latencyMs.median, second.profiles[i].latencyMs.median);
    QVERIFY(nlohmann::json(*generated(301).objects).dump() != nlohmann::json(*first.objects).dump());
}

void TestGeneratedMesh::refusesCountsOutOfRange()
{
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, generated(20001));
    // bookinfo is not generated: a count makes no sense for it.
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, Scenario::load(resourcesDir / "scenarios" / "bookinfo.yaml", 10));
}

void TestGeneratedMesh::servicesOptionPicksTheGeneratedScenario()
{
    const auto parse = [](std::vector<const char*> extra) {
        std::vector<const char*> argv = {"meshdeck-democluster", "--port", "0", "--kubeconfig-out", "/tmp/k"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return CommandLineOptions::parse(static_cast<int>(argv.size()), argv.data());
    };
    const auto plain = parse({});
    QCOMPARE(plain.scenario, std::string("bookinfo"));
    QCOMPARE(plain.services, 0);
    const auto generatedMesh = parse({"--services", "2000"});
    QCOMPARE(generatedMesh.scenario, std::string("generated"));
    QCOMPARE(generatedMesh.services, 2000);
    // An explicit scenario stays; Scenario::load then refuses a count for one that is not generated.
    QCOMPARE(parse({"--services=5", "--scenario", "bookinfo"}).scenario, std::string("bookinfo"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse({"--services", "0"}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse({"--services", "many"}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse({"--services", "20001"}));
}

void TestGeneratedMesh::bootstrapsAsRealObjects()
{
    ObjectStore store;
    const Scenario scenario = generated(40);
    AdmissionValidator admission;
    ClusterBootstrap(store, ResourceRegistry::builtin(), admission).seed(scenario, resourcesDir);
    DeploymentController(store, ResourceRegistry::builtin()).reconcile();
    const auto count = [&](const char* group, const char* plural) {
        std::vector<nlohmann::json> objects;
        store.list(*ResourceRegistry::builtin().find(group, "v1", plural), scenario.namespaceName, objects);
        return objects.size();
    };
    QCOMPARE(count("apps", "deployments"), objectsOfKind(scenario, "Deployment").size());
    QCOMPARE(count("", "pods"), objectsOfKind(scenario, "Deployment").size()); // one replica each
    QCOMPARE(count("", "services"), objectsOfKind(scenario, "Service").size());
    QCOMPARE(count("networking.istio.io", "virtualservices"), objectsOfKind(scenario, "VirtualService").size());
    QCOMPARE(count("networking.istio.io", "destinationrules"), objectsOfKind(scenario, "DestinationRule").size());
    QCOMPARE(count("gateway.networking.k8s.io", "httproutes"), objectsOfKind(scenario, "HTTPRoute").size());
    QCOMPARE(count("", "configmaps"), std::size_t(1));
}

void TestGeneratedMesh::trafficReachesEveryWorkload()
{
    ObjectStore store;
    Scenario scenario = generated(40);
    AdmissionValidator admission;
    ClusterBootstrap(store, ResourceRegistry::builtin(), admission).seed(scenario, resourcesDir);
    DeploymentController(store, ResourceRegistry::builtin()).reconcile();
    IstioMetrics metrics;
    TrafficSimulator simulator(scenario, store, ResourceRegistry::builtin(), metrics, 5);
    for (int i = 0; i < 3000; ++i)
        simulator.step(0.1); // 300 s at 100 requests/s, as DemoCluster ticks

    std::map<std::string, double> byWorkload;
    double entry = 0;
    double hops = 0;
    for (const auto& sample : metrics.samples()) {
        const auto& labels = sample.labels;
        const double requests = static_cast<double>(sample.requests);
        if (labels.at("reporter") == "source" && labels.at("source_workload") == "istio-ingressgateway")
            entry += requests;
        if (labels.at("reporter") != "destination")
            continue;
        hops += requests;
        byWorkload[labels.at("destination_workload")] += requests;
    }
    QCOMPARE(entry, 30000.0);
    for (const auto& deployment : objectsOfKind(scenario, "Deployment")) {
        const std::string name = deployment["metadata"]["name"];
        const auto& labels = deployment["spec"]["template"]["metadata"]["labels"];
        // A version its route gives weight 0 rightly gets nothing; every other workload works.
        bool idle = false;
        for (const auto& service : objectsOfKind(scenario, "VirtualService")) {
            if (service["metadata"]["name"] != labels["app"])
                continue;
            for (const auto& destination : service["spec"]["http"].back()["route"])
                idle = idle || (destination["destination"]["subset"] == labels["version"] && destination["weight"] == 0);
        }
        for (const auto& route : objectsOfKind(scenario, "HTTPRoute")) {
            for (const auto& backend : route["spec"]["rules"][0]["backendRefs"])
                idle = idle || (backend["name"] == name && backend["weight"] == 0);
        }
        if (!idle)
            QVERIFY2(byWorkload[name] > 0, name.c_str());
    }
    // A request touches about one service per layer (40 services: 4 layers).
    QVERIFY2(hops / entry > 2 && hops / entry < 6, qPrintable(QString::number(hops / entry)));
}

void TestGeneratedMesh::largeMeshReportsWhatMeshDeckReads_data()
{
    QTest::addColumn<int>("services");
    QTest::addColumn<bool>("everyHistogram");
    QTest::newRow("40") << 40 << true;
    QTest::newRow("500") << 500 << true;
    QTest::newRow("501") << 501 << false;
}

void TestGeneratedMesh::largeMeshReportsWhatMeshDeckReads()
{
    QFETCH(int, services);
    QFETCH(bool, everyHistogram);
    ObjectStore store;
    Scenario scenario = generated(services);
    AdmissionValidator admission;
    ClusterBootstrap(store, ResourceRegistry::builtin(), admission).seed(scenario, resourcesDir);
    DeploymentController(store, ResourceRegistry::builtin()).reconcile();
    IstioMetrics metrics;
    TrafficSimulator simulator(scenario, store, ResourceRegistry::builtin(), metrics, 5);
    for (int i = 0; i < 50; ++i)
        simulator.step(0.1);

    const std::string text = metrics.render();
    QVERIFY(text.find("istio_requests_total{reporter=\"source\"") != std::string::npos);
    QVERIFY(text.find("istio_request_duration_milliseconds_bucket{reporter=\"destination\"") != std::string::npos);
    QCOMPARE(text.find("istio_request_duration_milliseconds_bucket{reporter=\"source\"") != std::string::npos,
             everyHistogram);
    QCOMPARE(text.find("istio_response_bytes_sum{reporter=\"destination\"") != std::string::npos, everyHistogram);
    // What MeshDeck's graph reads is there at every size; Kiali's response flags only in small meshes.
    for (const char* read : {"source_workload=\"frontend-", "source_canonical_service=\"frontend\"",
                             "destination_version=\"v1\"", "destination_service_name=\"", "response_code=\"200\""})
        QVERIFY2(text.find(read) != std::string::npos, read);
    QCOMPARE(text.find("response_flags=") != std::string::npos, everyHistogram);
}

QTEST_GUILESS_MAIN(TestGeneratedMesh)
#include "tst_generatedmesh.moc"

// SPDX-License-Identifier: Apache-2.0
// The simulator's routing and latency model, driven in simulated time with a fixed seed.

#include "AdmissionValidator.h"
#include "ClusterBootstrap.h"
#include "DeploymentController.h"
#include "IstioMetrics.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TrafficSimulator.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <map>
#include <memory>

using namespace democluster;

namespace {

const std::filesystem::path resourcesDir = MESHDECK_SOURCE_DIR "/resources";

// A bookinfo cluster as the binary starts it: manifests applied, pods running.
struct Mesh {
    ObjectStore store;
    Scenario scenario = Scenario::load(resourcesDir / "scenarios" / "bookinfo.yaml");

    Mesh()
    {
        AdmissionValidator admission;
        ClusterBootstrap(store, ResourceRegistry::builtin(), admission).seed(scenario, resourcesDir);
        DeploymentController(store, ResourceRegistry::builtin()).reconcile();
    }

    // reviews' VirtualService routes to v1/v2/v3 with these weights (a zero weight stays listed).
    void setReviewsWeights(const std::vector<int>& weights)
    {
        nlohmann::json route = nlohmann::json::array();
        for (std::size_t i = 0; i < weights.size(); ++i) {
            route.push_back({{"destination", {{"host", "reviews"}, {"subset", "v" + std::to_string(i + 1)}}},
                             {"weight", weights[i]}});
        }
        const auto* type = ResourceRegistry::builtin().find("networking.istio.io", "v1", "virtualservices");
        const auto error = store.update(*type, "bookinfo", "reviews", [&](nlohmann::json& object) -> std::optional<ApiStatus> {
            object["spec"]["http"] = {{{"route", route}}};
            return std::nullopt;
        });
        QVERIFY(!error);
    }
};

struct Totals {
    std::map<std::string, double> requests; // by destination_version
    std::map<std::string, double> durationSum;
    std::map<std::string, double> callersOfRatings; // by source_workload
};

Totals reviewsTotals(const IstioMetrics& metrics)
{
    Totals totals;
    for (const auto& sample : metrics.samples()) {
        const auto& labels = sample.labels;
        if (labels.at("reporter") != "destination")
            continue;
        if (labels.at("destination_service_name") == "reviews") {
            totals.requests[labels.at("destination_version")] += static_cast<double>(sample.requests);
            totals.durationSum[labels.at("destination_version")] += sample.durationSumMs;
        }
        if (labels.at("destination_service_name") == "ratings")
            totals.callersOfRatings[labels.at("source_workload")] += static_cast<double>(sample.requests);
    }
    return totals;
}

double sum(const std::map<std::string, double>& values)
{
    double total = 0;
    for (const auto& [key, value] : values)
        total += value;
    return total;
}

} // namespace

class TestTrafficSimulator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void weightedSplit_data();
    void weightedSplit();
    void ratingsOnlyCalledByV2AndV3();
    void v3IsSlowerThanV2();
    void patchTakesEffectAtNextStep();
    void sameSeedSameTraffic();
    void emitsBothReportersWithIstioLabels();
};

void TestTrafficSimulator::weightedSplit_data()
{
    QTest::addColumn<std::vector<int>>("weights");
    QTest::newRow("80/20") << std::vector<int>{80, 20};
    QTest::newRow("all v1") << std::vector<int>{100};
    QTest::newRow("v1 with a zero-weight v2") << std::vector<int>{100, 0};
    QTest::newRow("thirds as 1/1/1") << std::vector<int>{1, 1, 1};
    QTest::newRow("sum 3: 1/2") << std::vector<int>{1, 2};
    QTest::newRow("sum 150: 50/50/50") << std::vector<int>{50, 50, 50};
    QTest::newRow("v2 and v3 only") << std::vector<int>{0, 30, 70};
}

void TestTrafficSimulator::weightedSplit()
{
    QFETCH(std::vector<int>, weights);
    Mesh mesh;
    mesh.setReviewsWeights(weights);
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 42);
    for (int second = 0; second < 300; ++second) // 6000 requests at 20/s
        simulator.step(1.0);

    const Totals totals = reviewsTotals(metrics);
    const double all = sum(totals.requests);
    QCOMPARE(all, 6000.0);
    double weightSum = 0;
    for (int weight : weights)
        weightSum += weight;
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string version = "v" + std::to_string(i + 1);
        const double expected = i < weights.size() ? weights[i] / weightSum : 0.0;
        const auto found = totals.requests.find(version);
        const double observed = found == totals.requests.end() ? 0.0 : found->second / all;
        if (expected == 0.0)
            QCOMPARE(observed, 0.0);
        else
            QVERIFY2(std::abs(observed - expected) < 0.03,
                     qPrintable(QStringLiteral("%1: observed %2, expected %3")
                                    .arg(QString::fromStdString(version))
                                    .arg(observed)
                                    .arg(expected)));
    }
}

void TestTrafficSimulator::ratingsOnlyCalledByV2AndV3()
{
    Mesh mesh;
    IstioMetrics allV1;
    {
        TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), allV1, 7);
        simulator.step(60);
    }
    QVERIFY(reviewsTotals(allV1).callersOfRatings.empty());

    mesh.setReviewsWeights({1, 1, 1});
    IstioMetrics thirds;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), thirds, 7);
    simulator.step(60);
    const Totals totals = reviewsTotals(thirds);
    QCOMPARE(totals.callersOfRatings.size(), std::size_t(2));
    QVERIFY(totals.callersOfRatings.count("reviews-v2"));
    QVERIFY(totals.callersOfRatings.count("reviews-v3"));
    // Every v2 and v3 request makes exactly one ratings call.
    QCOMPARE(sum(totals.callersOfRatings), totals.requests.at("v2") + totals.requests.at("v3"));
}

void TestTrafficSimulator::v3IsSlowerThanV2()
{
    Mesh mesh;
    mesh.setReviewsWeights({1, 1, 1});
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 3);
    simulator.step(120);
    const Totals totals = reviewsTotals(metrics);
    const double meanV2 = totals.durationSum.at("v2") / totals.requests.at("v2");
    const double meanV3 = totals.durationSum.at("v3") / totals.requests.at("v3");
    QVERIFY2(meanV3 > 2.5 * meanV2, qPrintable(QStringLiteral("v2 %1 ms, v3 %2 ms").arg(meanV2).arg(meanV3)));
}

void TestTrafficSimulator::patchTakesEffectAtNextStep()
{
    Mesh mesh;
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 11);
    simulator.step(10);
    QVERIFY(!reviewsTotals(metrics).requests.count("v3"));
    mesh.setReviewsWeights({0, 0, 100});
    simulator.step(1);
    QCOMPARE(reviewsTotals(metrics).requests.at("v3"), 20.0);
}

void TestTrafficSimulator::sameSeedSameTraffic()
{
    Mesh mesh;
    mesh.setReviewsWeights({50, 50});
    IstioMetrics first;
    IstioMetrics second;
    TrafficSimulator one(mesh.scenario, mesh.store, ResourceRegistry::builtin(), first, 99);
    TrafficSimulator two(mesh.scenario, mesh.store, ResourceRegistry::builtin(), second, 99);
    for (int i = 0; i < 50; ++i) {
        one.step(0.1);
        two.step(0.1);
    }
    QCOMPARE(first.render(), second.render());
}

void TestTrafficSimulator::emitsBothReportersWithIstioLabels()
{
    Mesh mesh;
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 5);
    simulator.step(5);
    bool sawSource = false;
    bool sawDestination = false;
    for (const auto& sample : metrics.samples()) {
        const auto& labels = sample.labels;
        QCOMPARE(labels.size(), std::size_t(22));
        if (labels.at("destination_workload") != "reviews-v1" || labels.at("source_workload") != "productpage-v1")
            continue;
        QCOMPARE(labels.at("destination_service"), std::string("reviews.bookinfo.svc.cluster.local"));
        QCOMPARE(labels.at("destination_principal"), std::string("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews"));
        QCOMPARE(labels.at("request_protocol"), std::string("http"));
        if (labels.at("reporter") == "source") {
            sawSource = true;
            QCOMPARE(labels.at("connection_security_policy"), std::string("unknown"));
        } else {
            sawDestination = true;
            QCOMPARE(labels.at("connection_security_policy"), std::string("mutual_tls"));
        }
    }
    QVERIFY(sawSource);
    QVERIFY(sawDestination);
    const std::string text = metrics.render();
    QVERIFY(text.find("# TYPE istio_requests_total counter") != std::string::npos);
    QVERIFY(text.find(",le=\"3600000\"} ") != std::string::npos);
    QVERIFY(text.find(",le=\"+Inf\"} ") != std::string::npos);
    QVERIFY(text.find("istio_request_duration_milliseconds_sum{reporter=\"destination\"") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestTrafficSimulator)
#include "tst_trafficsimulator.moc"

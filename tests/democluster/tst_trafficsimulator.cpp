// SPDX-License-Identifier: Apache-2.0
// The simulator's routing and latency model, driven in simulated time with a fixed seed.

#include "AdmissionValidator.h"
#include "ClusterBootstrap.h"
#include "DeploymentController.h"
#include "IstioMetrics.h"
#include "MeshRouter.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TrafficSimulator.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <array>
#include <cmath>
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

    // Bookinfo's productpage tries reviews twice: tests that count requests per route make every
    // caller try once.
    void singleAttempts()
    {
        for (auto& call : scenario.calls)
            call.attempts = 1;
    }

    void withoutErrors()
    {
        scenario.defaults.errorRate = 0;
        for (auto& profile : scenario.profiles)
            profile.errorRate = 0;
    }

    // Creates or replaces an object of the bookinfo namespace, as kubectl apply would.
    void put(const char* group, const char* plural, nlohmann::json object)
    {
        const auto* type = ResourceRegistry::builtin().find(group, "v1", plural);
        QVERIFY(type);
        object["metadata"]["namespace"] = "bookinfo";
        const std::string name = object["metadata"]["name"];
        if (auto error = store.create(*type, object)) {
            QCOMPARE(error->reason(), std::string("AlreadyExists"));
            const auto update = store.update(*type, "bookinfo", name, [&](nlohmann::json& stored) -> std::optional<ApiStatus> {
                for (const char* field : {"spec", "data"}) {
                    if (object.contains(field))
                        stored[field] = object[field];
                }
                return std::nullopt;
            });
            QVERIFY(!update);
        }
    }

    // One Service per reviews version and an HTTPRoute attached to `reviews` (GAMMA).
    void routeReviewsByHttpRoute(const nlohmann::json& rules)
    {
        for (const char* version : {"v1", "v2", "v3"}) {
            put("", "services", {{"apiVersion", "v1"}, {"kind", "Service"},
                                 {"metadata", {{"name", std::string("reviews-") + version}}},
                                 {"spec", {{"selector", {{"app", "reviews"}, {"version", version}}},
                                           {"ports", {{{"name", "http"}, {"port", 9080}}}}}}});
        }
        put("gateway.networking.k8s.io", "httproutes",
            {{"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "HTTPRoute"},
             {"metadata", {{"name", "reviews"}}},
             {"spec", {{"parentRefs", {{{"group", ""}, {"kind", "Service"}, {"name", "reviews"}, {"port", 9080}}}},
                       {"rules", rules}}}});
    }

    void setTrafficSettings(const std::map<std::string, std::string>& data)
    {
        put("", "configmaps", {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                               {"metadata", {{"name", Scenario::TrafficConfigMap}}}, {"data", data}});
    }

    // Replaces `service`'s VirtualService http routes.
    void setHttpRoutes(const std::string& service, const nlohmann::json& http)
    {
        const auto* type = ResourceRegistry::builtin().find("networking.istio.io", "v1", "virtualservices");
        const auto error = store.update(*type, "bookinfo", service, [&](nlohmann::json& object) -> std::optional<ApiStatus> {
            object["spec"]["http"] = http;
            return std::nullopt;
        });
        QVERIFY(!error);
    }
};

// Requests per label value of one service's metrics as one reporter saw them.
std::map<std::string, double> countBy(const IstioMetrics& metrics, const std::string& reporter, const std::string& service,
                                      const std::string& label)
{
    std::map<std::string, double> counts;
    for (const auto& sample : metrics.samples()) {
        if (sample.labels.at("reporter") == reporter
            && (service.empty() || sample.labels.at("destination_service_name") == service))
            counts[sample.labels.at(label)] += static_cast<double>(sample.requests);
    }
    return counts;
}

double meanLatency(const IstioMetrics& metrics, const std::string& reporter, const std::string& service)
{
    double requests = 0;
    double sum = 0;
    for (const auto& sample : metrics.samples()) {
        if (sample.labels.at("reporter") == reporter && sample.labels.at("destination_service_name") == service) {
            requests += static_cast<double>(sample.requests);
            sum += sample.durationSumMs;
        }
    }
    return requests > 0 ? sum / requests : 0;
}

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
    void sizesFollowEachVersionsProfile();
    void sizeHistogramsUseIstioBuckets();
    void matchBlocksSelectByRequest();
    void headerMatchedRouteCarriesOnlyMatchingUsers();
    void unmatchedRequestsAre404NoRoute();
    void abortHalfFailsHalf();
    void delayRaisesLatency();
    void faultWithoutPercentageNeverFires();
    void httpRouteWeights_data();
    void httpRouteWeights();
    void httpRouteRulesByPrecedence();
    void httpRouteWithoutUsableBackends();
    void subsetWithoutReadyPodsIs503();
    void failingCalleeFailsOrDegradesCaller_data();
    void failingCalleeFailsOrDegradesCaller();
    void clientTimeoutCutsSlowCallee();
    void latencyAndErrorsFollowProfile();
    void configMapChangesTrafficAtNextStep();
    void invalidConfigMapIsReportedAndIgnored();
    void deletedConfigMapRestoresScenario();
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
    mesh.singleAttempts();
    mesh.setReviewsWeights(weights);
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 42);
    simulator.step(300); // 6000 requests at 20/s, one routing snapshot: quick under ASan too

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
    mesh.singleAttempts();
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
        QCOMPARE(labels.size(), std::size_t(25));
        QCOMPARE(labels.at("source_cluster"), std::string("Kubernetes"));
        QCOMPARE(labels.at("destination_cluster"), std::string("Kubernetes"));
        QCOMPARE(labels.at("grpc_response_status"), std::string());
        if (labels.at("destination_workload") != "reviews-v1" || labels.at("source_workload") != "productpage-v1")
            continue;
        QCOMPARE(labels.at("destination_service"), std::string("reviews.bookinfo.svc.cluster.local"));
        QCOMPARE(labels.at("destination_canonical_service"), std::string("reviews"));
        QCOMPARE(labels.at("destination_canonical_revision"), std::string("v1"));
        QCOMPARE(labels.at("source_canonical_service"), std::string("productpage"));
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

void TestTrafficSimulator::sizesFollowEachVersionsProfile()
{
    Mesh mesh;
    mesh.setReviewsWeights({1, 1, 1});
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 11);
    simulator.step(300);

    std::map<std::string, std::array<double, 3>> byWorkload; // requests, request bytes, response bytes
    for (const auto& sample : metrics.samples()) {
        if (sample.labels.at("reporter") != "destination")
            continue;
        auto& totals = byWorkload[sample.labels.at("destination_workload")];
        totals[0] += static_cast<double>(sample.requests);
        totals[1] += sample.requestBytesSum;
        totals[2] += sample.responseBytesSum;
    }
    for (const auto& profile : mesh.scenario.profiles) {
        const auto& totals = byWorkload[profile.service + '-' + profile.version];
        QVERIFY2(totals[0] > 500, qPrintable(QString::fromStdString(profile.service + ' ' + profile.version)));
        // The mean of a log-normal is median * exp(sigma^2 / 2).
        const auto mean = [](const Scenario::LogNormal& d) { return d.median * std::exp(d.sigma * d.sigma / 2); };
        const double requestMean = totals[1] / totals[0];
        const double responseMean = totals[2] / totals[0];
        QVERIFY2(std::abs(requestMean / mean(profile.requestBytes) - 1) < 0.03,
                 qPrintable(QStringLiteral("%1 %2 request %3 B").arg(QString::fromStdString(profile.service),
                                                                    QString::fromStdString(profile.version))
                                .arg(requestMean)));
        QVERIFY2(std::abs(responseMean / mean(profile.responseBytes) - 1) < 0.03,
                 qPrintable(QStringLiteral("%1 %2 response %3 B").arg(QString::fromStdString(profile.service),
                                                                     QString::fromStdString(profile.version))
                                .arg(responseMean)));
    }
}

void TestTrafficSimulator::sizeHistogramsUseIstioBuckets()
{
    IstioMetrics metrics;
    IstioMetrics::Labels labels;
    labels.reporter = "destination";
    labels.responseCode = "200";
    metrics.record(labels, {12, 0.5, 700});
    metrics.record(labels, {12, 650, 5200});
    metrics.record(labels, {12, 20000000000.0, 10});
    const std::string text = metrics.render();
    const std::string series = labels.render();
    const auto expect = [&](const std::string& line) {
        QVERIFY2(text.find(line + '\n') != std::string::npos, line.c_str());
    };
    expect("# TYPE istio_request_bytes histogram");
    expect("# TYPE istio_response_bytes histogram");
    // Cumulative counts at each power of ten; beyond the last bucket only +Inf counts it.
    expect("istio_request_bytes_bucket{" + series + ",le=\"1\"} 1");
    expect("istio_request_bytes_bucket{" + series + ",le=\"100\"} 1");
    expect("istio_request_bytes_bucket{" + series + ",le=\"1000\"} 2");
    expect("istio_request_bytes_bucket{" + series + ",le=\"1000000000\"} 2");
    expect("istio_request_bytes_bucket{" + series + ",le=\"+Inf\"} 3");
    expect("istio_request_bytes_sum{" + series + "} 20000000650.5");
    expect("istio_request_bytes_count{" + series + "} 3");
    expect("istio_response_bytes_bucket{" + series + ",le=\"10\"} 1");
    expect("istio_response_bytes_bucket{" + series + ",le=\"1000\"} 2");
    expect("istio_response_bytes_bucket{" + series + ",le=\"10000\"} 3");
    expect("istio_response_bytes_sum{" + series + "} 5910");
    expect("istio_request_duration_milliseconds_count{" + series + "} 3");
}

void TestTrafficSimulator::matchBlocksSelectByRequest()
{
    Mesh mesh;
    mesh.setHttpRoutes("reviews", nlohmann::json::parse(R"([
        {"match": [{"headers": {"end-user": {"exact": "jason"}}}], "route": [{"destination": {"host": "reviews", "subset": "v2"}}]},
        {"match": [{"uri": {"prefix": "/reviews"}, "queryParams": {"debug": {"exact": "1"}}},
                   {"headers": {"cookie": {"regex": "^(.*?;)?( ?canary=1)(;.*)?$"}}}],
         "route": [{"destination": {"host": "reviews", "subset": "v3"}}]},
        {"match": [{"uri": {"prefix": "/reviews"}}], "route": [{"destination": {"host": "reviews", "subset": "v1"}}]}
    ])"));
    const MeshRouter router(mesh.store, ResourceRegistry::builtin(), "bookinfo");
    const MeshRouter::Caller caller{"bookinfo", {{"app", "productpage"}, {"version", "v1"}}};
    const auto versionOf = [&](const MeshRouter::Request& request) {
        const auto decision = router.route("reviews", caller, request);
        std::string versions;
        for (const auto& target : decision.targets)
            versions += target.workload ? target.workload->version() : target.responseFlags + std::to_string(target.localReplyCode);
        return versions;
    };
    MeshRouter::Request request;
    request.path = "/reviews/0";
    QCOMPARE(versionOf(request), std::string("v1"));
    request.headers["end-user"] = "jason";
    QCOMPARE(versionOf(request), std::string("v2")); // first route wins over the later ones
    request.headers["end-user"] = "jasonx";
    QCOMPARE(versionOf(request), std::string("v1")); // exact is exact
    request.queryParams["debug"] = "1";
    QCOMPARE(versionOf(request), std::string("v3")); // both conditions of the block
    request.queryParams.clear();
    request.headers["cookie"] = "a=b; canary=1";
    QCOMPARE(versionOf(request), std::string("v3")); // the other block of the same route
    request.headers["cookie"] = "canary=10";
    QCOMPARE(versionOf(request), std::string("v1")); // the regex matches the whole value
    request.path = "/other";
    request.headers.clear();
    QCOMPARE(versionOf(request), std::string("NR404"));
}

void TestTrafficSimulator::headerMatchedRouteCarriesOnlyMatchingUsers()
{
    Mesh mesh;
    mesh.singleAttempts();
    QCOMPARE(mesh.scenario.users.size(), std::size_t(2));
    QCOMPARE(mesh.scenario.users[0].share, 0.10);
    QCOMPARE(mesh.scenario.users[1].share, 0.05);
    mesh.setHttpRoutes("reviews", nlohmann::json::parse(R"([
        {"match": [{"headers": {"end-user": {"exact": "jason"}}}], "route": [{"destination": {"host": "reviews", "subset": "v2"}}]},
        {"match": [{"headers": {"cookie": {"regex": "^(.*?;)?( ?canary=1)(;.*)?$"}}}], "route": [{"destination": {"host": "reviews", "subset": "v3"}}]},
        {"route": [{"destination": {"host": "reviews", "subset": "v1"}}]}
    ])"));
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 21);
    simulator.step(500); // 10000 requests at 20/s
    const auto byVersion = countBy(metrics, "destination", "reviews", "destination_version");
    const double all = byVersion.at("v1") + byVersion.at("v2") + byVersion.at("v3");
    QCOMPARE(all, 10000.0);
    // Binomial standard deviations at n = 10000 are 0.3 % and 0.2 %; allow about 4 of them.
    QVERIFY2(std::abs(byVersion.at("v2") / all - 0.10) < 0.012, qPrintable(QString::number(byVersion.at("v2") / all)));
    QVERIFY2(std::abs(byVersion.at("v3") / all - 0.05) < 0.009, qPrintable(QString::number(byVersion.at("v3") / all)));
}

void TestTrafficSimulator::unmatchedRequestsAre404NoRoute()
{
    Mesh mesh;
    mesh.singleAttempts();
    mesh.setHttpRoutes("reviews", nlohmann::json::parse(R"([
        {"match": [{"headers": {"end-user": {"exact": "jason"}}}], "route": [{"destination": {"host": "reviews", "subset": "v2"}}]}
    ])"));
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 8);
    simulator.step(200); // 4000 requests
    const auto codes = countBy(metrics, "source", "reviews", "response_code");
    const auto flags = countBy(metrics, "source", "reviews", "response_flags");
    QCOMPARE(codes.at("404"), flags.at("NR"));
    QVERIFY2(std::abs(codes.at("404") / 4000 - 0.90) < 0.02, qPrintable(QString::number(codes.at("404"))));
    // Only jason's requests reach a pod.
    const auto reached = countBy(metrics, "destination", "reviews", "destination_version");
    QCOMPARE(reached.size(), std::size_t(1));
    QCOMPARE(reached.at("v2") + codes.at("404"), 4000.0);
    for (const auto& sample : metrics.samples()) {
        if (sample.labels.at("response_flags") == "NR")
            QCOMPARE(sample.labels.at("destination_workload"), std::string("unknown"));
    }
}

void TestTrafficSimulator::abortHalfFailsHalf()
{
    Mesh mesh;
    mesh.singleAttempts();
    mesh.setReviewsWeights({0, 1, 1}); // every request reaches ratings
    mesh.setHttpRoutes("ratings", nlohmann::json::parse(R"([
        {"fault": {"abort": {"httpStatus": 503, "percentage": {"value": 50}}},
         "route": [{"destination": {"host": "ratings", "subset": "v1"}}]}
    ])"));
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 13);
    simulator.step(200); // 4000 requests
    const auto codes = countBy(metrics, "source", "ratings", "response_code");
    const auto flags = countBy(metrics, "source", "ratings", "response_flags");
    const double all = codes.at("200") + codes.at("503");
    QCOMPARE(all, 4000.0);
    QCOMPARE(flags.at("FI"), codes.at("503"));
    QVERIFY2(std::abs(codes.at("503") / all - 0.5) < 0.035, qPrintable(QString::number(codes.at("503") / all)));
    // Aborted in the caller's sidecar: the ratings pods see only the other half.
    const auto reached = countBy(metrics, "destination", "ratings", "response_code");
    QCOMPARE(reached.at("200"), codes.at("200"));
    QVERIFY(!reached.count("503"));
}

void TestTrafficSimulator::delayRaisesLatency()
{
    Mesh mesh;
    IstioMetrics before;
    TrafficSimulator baseline(mesh.scenario, mesh.store, ResourceRegistry::builtin(), before, 17);
    baseline.step(100);
    mesh.setHttpRoutes("details", nlohmann::json::parse(R"([
        {"fault": {"delay": {"fixedDelay": "2s", "percentage": {"value": 100}}},
         "route": [{"destination": {"host": "details", "subset": "v1"}}]}
    ])"));
    IstioMetrics after;
    TrafficSimulator delayed(mesh.scenario, mesh.store, ResourceRegistry::builtin(), after, 17);
    delayed.step(100);

    const double sourceBefore = meanLatency(before, "source", "details");
    const double sourceAfter = meanLatency(after, "source", "details");
    QVERIFY2(std::abs(sourceAfter - sourceBefore - 2000) < 20,
             qPrintable(QStringLiteral("%1 ms -> %2 ms").arg(sourceBefore).arg(sourceAfter)));
    // The details pods do not see the delay; productpage, waiting for details, does.
    QVERIFY(std::abs(meanLatency(after, "destination", "details") - meanLatency(before, "destination", "details")) < 2);
    QVERIFY(meanLatency(after, "destination", "productpage") - meanLatency(before, "destination", "productpage") > 1950);
    QCOMPARE(countBy(after, "source", "details", "response_flags").at("DI"), 2000.0);
    QCOMPARE(countBy(after, "destination", "details", "response_flags").at("-"), 2000.0);
}

void TestTrafficSimulator::faultWithoutPercentageNeverFires()
{
    Mesh mesh;
    mesh.setHttpRoutes("details", nlohmann::json::parse(R"([
        {"fault": {"abort": {"httpStatus": 500}, "delay": {"fixedDelay": "5s"}},
         "route": [{"destination": {"host": "details", "subset": "v1"}}]}
    ])"));
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 3);
    simulator.step(100);
    const auto flags = countBy(metrics, "source", "details", "response_flags");
    QCOMPARE(flags.size(), std::size_t(1));
    QCOMPARE(flags.at("-"), 2000.0);
    QVERIFY(meanLatency(metrics, "source", "details") < 100);
}

void TestTrafficSimulator::httpRouteWeights_data()
{
    QTest::addColumn<nlohmann::json>("weights"); // per reviews version; null: weight not given
    QTest::addColumn<std::vector<double>>("expected");
    QTest::newRow("90/10") << nlohmann::json{90, 10, 0} << std::vector<double>{0.9, 0.1, 0};
    QTest::newRow("defaults of 1") << nlohmann::json{nullptr, nullptr, nullptr} << std::vector<double>{1. / 3, 1. / 3, 1. / 3};
    QTest::newRow("relative 3/1") << nlohmann::json{3, 0, 1} << std::vector<double>{0.75, 0, 0.25};
    QTest::newRow("one backend with weight") << nlohmann::json{0, 7, 0} << std::vector<double>{0, 1, 0};
}

void TestTrafficSimulator::httpRouteWeights()
{
    QFETCH(nlohmann::json, weights);
    QFETCH(std::vector<double>, expected);
    Mesh mesh;
    mesh.singleAttempts();
    nlohmann::json backends = nlohmann::json::array();
    for (std::size_t i = 0; i < 3; ++i) {
        nlohmann::json backend = {{"name", "reviews-v" + std::to_string(i + 1)}, {"port", 9080}};
        if (!weights[i].is_null())
            backend["weight"] = weights[i];
        backends.push_back(backend);
    }
    // The VirtualService still says all v1: the HTTPRoute attached to the Service wins.
    mesh.routeReviewsByHttpRoute({{{"backendRefs", backends}}});
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 31);
    simulator.step(300); // 6000 requests
    const auto services = countBy(metrics, "source", "", "destination_service_name");
    QVERIFY(!services.count("reviews")); // Istio reports the backend Service the route chose
    double all = 0;
    for (const char* version : {"v1", "v2", "v3"})
        all += services.count(std::string("reviews-") + version) ? services.at(std::string("reviews-") + version) : 0;
    QCOMPARE(all, 6000.0);
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string service = "reviews-v" + std::to_string(i + 1);
        const double observed = services.count(service) ? services.at(service) / all : 0.0;
        if (expected[i] == 0)
            QCOMPARE(observed, 0.0);
        else
            QVERIFY2(std::abs(observed - expected[i]) < 0.03,
                     qPrintable(QStringLiteral("%1: %2").arg(QString::fromStdString(service)).arg(observed)));
    }
}

void TestTrafficSimulator::httpRouteRulesByPrecedence()
{
    Mesh mesh;
    // Listed least specific first: the spec's precedence, not the order, decides.
    mesh.routeReviewsByHttpRoute(nlohmann::json::parse(R"([
        {"backendRefs": [{"name": "reviews-v1", "port": 9080}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/reviews"}}], "backendRefs": [{"name": "reviews-v2", "port": 9080}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/reviews"}, "headers": [{"name": "End-User", "value": "jason"}]}],
         "backendRefs": [{"name": "reviews-v3", "port": 9080}]},
        {"matches": [{"path": {"type": "Exact", "value": "/reviews/7"}}], "backendRefs": [{"name": "reviews-v1", "port": 9080}]},
        {"matches": [{"queryParams": [{"type": "RegularExpression", "name": "beta", "value": "y.*"}]}],
         "backendRefs": [{"name": "reviews-v3", "port": 9080}]}
    ])"));
    const MeshRouter router(mesh.store, ResourceRegistry::builtin(), "bookinfo");
    const MeshRouter::Caller caller{"bookinfo", {{"app", "productpage"}, {"version", "v1"}}};
    const auto versionOf = [&](const MeshRouter::Request& request) {
        const auto decision = router.route("reviews", caller, request);
        return decision.targets.size() == 1 && decision.targets[0].workload ? decision.targets[0].workload->version()
                                                                            : std::string("?");
    };
    MeshRouter::Request request;
    request.path = "/reviews/0";
    QCOMPARE(versionOf(request), std::string("v2"));
    request.path = "/reviewsx";
    QCOMPARE(versionOf(request), std::string("v1")); // a prefix matches whole path segments
    request.path = "/reviews/0";
    request.headers["end-user"] = "jason";
    QCOMPARE(versionOf(request), std::string("v3")); // same prefix, more headers
    request.path = "/reviews/7";
    QCOMPARE(versionOf(request), std::string("v1")); // an exact path beats any prefix
    request.path = "/other";
    request.headers.clear();
    request.queryParams["beta"] = "yes";
    QCOMPARE(versionOf(request), std::string("v3"));
}

void TestTrafficSimulator::httpRouteWithoutUsableBackends()
{
    Mesh mesh;
    mesh.routeReviewsByHttpRoute(nlohmann::json::parse(R"([
        {"matches": [{"headers": [{"name": "end-user", "value": "jason"}]}],
         "backendRefs": [{"name": "reviews-v1", "port": 9080, "weight": 0}]},
        {"backendRefs": [{"name": "reviews-v2", "port": 9080}, {"name": "reviews-v9", "port": 9080}]}
    ])"));
    const MeshRouter router(mesh.store, ResourceRegistry::builtin(), "bookinfo");
    const MeshRouter::Caller caller{"bookinfo", {{"app", "productpage"}}};
    MeshRouter::Request request;
    request.headers["end-user"] = "jason";
    auto decision = router.route("reviews", caller, request);
    QCOMPARE(decision.targets.size(), std::size_t(1)); // every weight 0: the route answers 500
    QVERIFY(!decision.targets[0].workload);
    QCOMPARE(decision.targets[0].localReplyCode, 500);
    request.headers.clear();
    decision = router.route("reviews", caller, request);
    QCOMPARE(decision.targets.size(), std::size_t(2)); // half to v2, half to a Service that is not there
    QCOMPARE(decision.targets[0].workload->version(), std::string("v2"));
    QCOMPARE(decision.targets[1].service, std::string("reviews-v9"));
    QCOMPARE(decision.targets[1].localReplyCode, 500);
    QCOMPARE(decision.targets[1].share, 0.5);
}

void TestTrafficSimulator::subsetWithoutReadyPodsIs503()
{
    Mesh mesh;
    const auto* deployments = ResourceRegistry::builtin().find("apps", "v1", "deployments");
    QVERIFY(!mesh.store.update(*deployments, "bookinfo", "reviews-v3", [](nlohmann::json& object) -> std::optional<ApiStatus> {
        object["spec"]["replicas"] = 0;
        return std::nullopt;
    }));
    DeploymentController(mesh.store, ResourceRegistry::builtin()).reconcile();
    mesh.setReviewsWeights({50, 0, 50});
    mesh.withoutErrors();
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 23);
    simulator.step(100); // 2000 requests
    const auto codes = countBy(metrics, "source", "reviews", "response_code");
    const auto flags = countBy(metrics, "source", "reviews", "response_flags");
    QCOMPARE(codes.at("503"), flags.at("UH")); // the subset's cluster has no endpoint: no healthy upstream
    // productpage tries twice, so 3000 requests reach reviews, half of them the empty subset.
    QVERIFY2(std::abs(codes.at("503") / sum(codes) - 0.5) < 0.04, qPrintable(QString::number(codes.at("503") / sum(codes))));
    QVERIFY(!countBy(metrics, "destination", "reviews", "destination_version").count("v3"));
    // productpage shows "reviews unavailable" and still answers 200, as Bookinfo does.
    QCOMPARE(countBy(metrics, "destination", "productpage", "response_code").at("200"), 2000.0);
}

void TestTrafficSimulator::failingCalleeFailsOrDegradesCaller_data()
{
    QTest::addColumn<bool>("failCaller");
    QTest::newRow("degrade (Bookinfo)") << false;
    QTest::newRow("fail") << true;
}

void TestTrafficSimulator::failingCalleeFailsOrDegradesCaller()
{
    QFETCH(bool, failCaller);
    Mesh mesh;
    for (auto& call : mesh.scenario.calls)
        call.failCaller = failCaller;
    mesh.setHttpRoutes("details", nlohmann::json::parse(R"([
        {"fault": {"abort": {"httpStatus": 503, "percentage": {"value": 40}}},
         "route": [{"destination": {"host": "details", "subset": "v1"}}]}
    ])"));
    mesh.withoutErrors(); // every 500 comes from details
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 29);
    simulator.step(200); // 4000 requests
    const auto aborted = countBy(metrics, "source", "details", "response_code").at("503");
    const auto page = countBy(metrics, "destination", "productpage", "response_code");
    if (failCaller) {
        QCOMPARE(page.at("500"), aborted);
        QVERIFY2(std::abs(aborted / 4000 - 0.4) < 0.03, qPrintable(QString::number(aborted)));
        // The ingress gateway reports the same failures for productpage.
        QCOMPARE(countBy(metrics, "source", "productpage", "response_code").at("500"), aborted);
    } else {
        QVERIFY(!page.count("500"));
        QCOMPARE(page.at("200"), 4000.0);
    }
}

void TestTrafficSimulator::clientTimeoutCutsSlowCallee()
{
    // Istio's fault-injection task: 7 s on ratings for jason. reviews v2 waits (10 s timeout),
    // productpage gives up on reviews after 3 s and tries once more.
    Mesh mesh;
    mesh.setHttpRoutes("reviews", nlohmann::json::parse(R"([
        {"match": [{"headers": {"end-user": {"exact": "jason"}}}], "route": [{"destination": {"host": "reviews", "subset": "v2"}}]},
        {"route": [{"destination": {"host": "reviews", "subset": "v1"}}]}
    ])"));
    mesh.setHttpRoutes("ratings", nlohmann::json::parse(R"([
        {"match": [{"headers": {"end-user": {"exact": "jason"}}}],
         "fault": {"delay": {"fixedDelay": "7s", "percentage": {"value": 100.0}}},
         "route": [{"destination": {"host": "ratings", "subset": "v1"}}]},
        {"route": [{"destination": {"host": "ratings", "subset": "v1"}}]}
    ])"));
    mesh.withoutErrors();
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 37);
    simulator.step(100); // 2000 requests, about 200 of them jason's
    const auto reviewsCodes = countBy(metrics, "source", "reviews", "response_code");
    const double jasonReviews = countBy(metrics, "destination", "reviews", "destination_version").at("v2");
    // Every jason request to reviews was cut at 3 s by productpage: code 0, flag DC, from both sidecars.
    QCOMPARE(reviewsCodes.at("0"), jasonReviews);
    QCOMPARE(countBy(metrics, "destination", "reviews", "response_flags").at("DC"), jasonReviews);
    QCOMPARE(countBy(metrics, "source", "reviews", "response_flags").at("DC"), jasonReviews);
    // Two attempts per page view, each 3 s, and the page still renders (200).
    const double jasonPages = jasonReviews / 2;
    QVERIFY2(std::abs(jasonPages / 2000 - 0.10) < 0.02, qPrintable(QString::number(jasonPages)));
    QCOMPARE(countBy(metrics, "destination", "productpage", "response_code").at("200"), 2000.0);
    double slowPages = 0;
    for (const auto& sample : metrics.samples()) {
        if (sample.labels.at("reporter") == "destination" && sample.labels.at("destination_app") == "productpage")
            slowPages += sample.durationSumMs;
    }
    const double meanPage = slowPages / 2000;
    // jason's pages take 6 s and a bit, the others some 50 ms.
    QVERIFY2(std::abs(meanPage - (jasonPages * 6000 + (2000 - jasonPages) * 50) / 2000) < 60,
             qPrintable(QString::number(meanPage)));
    // ratings itself answered 200 after the delay, 7 s after reviews asked (its sidecar's view).
    const auto ratingsFlags = countBy(metrics, "source", "ratings", "response_flags");
    QCOMPARE(ratingsFlags.at("DI"), jasonReviews);
}

void TestTrafficSimulator::latencyAndErrorsFollowProfile()
{
    Mesh mesh;
    mesh.setTrafficSettings({{"requestsPerSecond", "100"},
                             {"profiles", "- {service: details, version: v1, errorRate: 0.2, latencyMs: {median: 40, sigma: 0.5}}"}});
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 41);
    simulator.step(100); // 10000 requests
    const auto codes = countBy(metrics, "destination", "details", "response_code");
    const double all = codes.at("200") + codes.at("500");
    QCOMPARE(all, 10000.0);
    // Binomial sd at n = 10000, p = 0.2 is 0.4 %: allow 4 of them.
    QVERIFY2(std::abs(codes.at("500") / all - 0.2) < 0.016, qPrintable(QString::number(codes.at("500") / all)));
    // Log-normal mean: median * exp(sigma^2 / 2) = 45.3 ms; the sample mean's sd is about 0.6 %.
    const double mean = meanLatency(metrics, "destination", "details");
    QVERIFY2(std::abs(mean / (40 * std::exp(0.125)) - 1) < 0.03, qPrintable(QString::number(mean)));
    // The other fields of the profile stay the scenario's.
    QCOMPARE(simulator.scenario().profileFor("details", "v1").responseBytes.median, 420.0);
}

void TestTrafficSimulator::configMapChangesTrafficAtNextStep()
{
    Mesh mesh;
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 43);
    simulator.step(1);
    QCOMPARE(countBy(metrics, "destination", "productpage", "reporter").at("destination"), 20.0);
    // The ConfigMap the bootstrap wrote holds the scenario's own settings.
    const auto* configMaps = ResourceRegistry::builtin().find("", "v1", "configmaps");
    nlohmann::json configMap;
    QVERIFY(!mesh.store.get(*configMaps, "bookinfo", Scenario::TrafficConfigMap, configMap));
    QCOMPARE(configMap["data"]["requestsPerSecond"].get<std::string>(), std::string("20"));
    QVERIFY(configMap["data"]["users"].get<std::string>().find("end-user: jason") != std::string::npos);

    // "Deploy a bad version" on stage: more load, jason only, a slow and failing reviews v1.
    nlohmann::json data = configMap["data"];
    data["requestsPerSecond"] = "50";
    data["users"] = "- {share: 1, headers: {end-user: jason}}";
    data["profiles"] = "- service: reviews\n  version: v1\n  errorRate: 1\n  latencyMs: {median: 500, sigma: 0.1}\n";
    mesh.setTrafficSettings(data.get<std::map<std::string, std::string>>());
    IstioMetrics after;
    TrafficSimulator changed(mesh.scenario, mesh.store, ResourceRegistry::builtin(), after, 43);
    simulator.step(1);
    QCOMPARE(countBy(metrics, "destination", "productpage", "reporter").at("destination"), 70.0);
    QCOMPARE(simulator.scenario().requestsPerSecond, 50.0);
    QCOMPARE(simulator.scenario().users.size(), std::size_t(1));
    changed.step(10);
    // 500 page views, each trying reviews twice.
    QCOMPARE(countBy(after, "destination", "reviews", "response_code").at("500"), 1000.0);
    QVERIFY(meanLatency(after, "destination", "reviews") > 400);
}

void TestTrafficSimulator::invalidConfigMapIsReportedAndIgnored()
{
    Mesh mesh;
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 47);
    mesh.setTrafficSettings({{"requestsPerSecond", "30"}});
    simulator.step(1);
    QCOMPARE(simulator.scenario().requestsPerSecond, 30.0);
    const std::vector<std::map<std::string, std::string>> invalid = {
        {{"requestsPerSecond", "lots"}},
        {{"requestsPerSecond", "-5"}},
        {{"profiles", "- {service: reviews, version: v1, errorRate: 7}"}},
        {{"profiles", "- {service: reviews}"}},
        {{"users", "- {share: 0.8}\n- {share: 0.8}"}},
        {{"users", "{unclosed"}},
        {{"requestPerSecond", "40"}}, // a typo is not silently ignored
    };
    for (const auto& data : invalid) {
        mesh.setTrafficSettings(data);
        simulator.step(1);
        QCOMPARE(simulator.scenario().requestsPerSecond, 30.0); // the last valid settings stay
        QCOMPARE(simulator.scenario().profileFor("reviews", "v1").errorRate, 0.001);
    }
    QCOMPARE(countBy(metrics, "destination", "productpage", "reporter").at("destination"), 30.0 * 8);
    // Each refusal is a Warning event on the ConfigMap, as `kubectl describe configmap` shows.
    const auto* events = ResourceRegistry::builtin().find("", "v1", "events");
    QVERIFY(events);
    std::vector<nlohmann::json> list;
    mesh.store.list(*events, "bookinfo", list);
    const auto warnings = std::count_if(list.begin(), list.end(), [](const nlohmann::json& event) {
        return event["reason"] == "InvalidTrafficSettings" && event["involvedObject"]["name"] == Scenario::TrafficConfigMap
               && event["involvedObject"]["kind"] == "ConfigMap" && event["type"] == "Warning";
    });
    QCOMPARE(warnings, std::ptrdiff_t(invalid.size()));
}

void TestTrafficSimulator::deletedConfigMapRestoresScenario()
{
    Mesh mesh;
    IstioMetrics metrics;
    TrafficSimulator simulator(mesh.scenario, mesh.store, ResourceRegistry::builtin(), metrics, 53);
    mesh.setTrafficSettings({{"requestsPerSecond", "5"}});
    simulator.step(1);
    QCOMPARE(simulator.scenario().requestsPerSecond, 5.0);
    QVERIFY(!mesh.store.remove(*ResourceRegistry::builtin().find("", "v1", "configmaps"), "bookinfo",
                               Scenario::TrafficConfigMap));
    simulator.step(1);
    QCOMPARE(simulator.scenario().requestsPerSecond, 20.0);
}

QTEST_GUILESS_MAIN(TestTrafficSimulator)
#include "tst_trafficsimulator.moc"

// SPDX-License-Identifier: Apache-2.0
// The traffic simulator's CPU cost per simulated second, stepped every 100 ms as DemoCluster does:
//   (a) bookinfo at 100 requests/s (goal: under 2 % of one core);
//   (b) a generated mesh of 2,000 services at 10,000 requests/s (goal: under 50 % of one core);
// plus, for (b), what a routing change costs (the rebuild after a VirtualService patch) and what
// one Prometheus scrape of /metrics costs and weighs.
// Run: build/default/bench/democluster/bench_simulator

#include "AdmissionValidator.h"
#include "ClusterBootstrap.h"
#include "DeploymentController.h"
#include "IstioMetrics.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TrafficSimulator.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>

using namespace democluster;

namespace {

const std::filesystem::path resourcesDir = MESHDECK_SOURCE_DIR "/resources";
constexpr double Tick = 0.1;

// CPU time of this thread, in seconds: what the simulator's thread would take from one core.
double cpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double wallSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double hopsIn(const IstioMetrics& metrics)
{
    double hops = 0;
    for (const auto& sample : metrics.samples()) {
        if (sample.labels.at("reporter") == "destination")
            hops += static_cast<double>(sample.requests);
    }
    return hops;
}

struct Cluster {
    ObjectStore store;
    Scenario scenario;

    Cluster(Scenario loaded, double requestsPerSecond)
        : scenario(std::move(loaded))
    {
        scenario.requestsPerSecond = requestsPerSecond;
        AdmissionValidator admission;
        ClusterBootstrap(store, ResourceRegistry::builtin(), admission).seed(scenario, resourcesDir);
        // The ConfigMap carries the load at run time: make it say the same.
        auto settings = scenario.trafficSettings();
        const auto* configMaps = ResourceRegistry::builtin().find("", "v1", "configmaps");
        store.update(*configMaps, scenario.namespaceName, Scenario::TrafficConfigMap,
                     [&](nlohmann::json& object) -> std::optional<ApiStatus> {
                         object["data"] = settings;
                         return std::nullopt;
                     });
        DeploymentController(store, ResourceRegistry::builtin()).reconcile();
    }
};

void measure(const char* name, Cluster& cluster, double simulatedSeconds, double goalPercent)
{
    IstioMetrics metrics;
    TrafficSimulator simulator(cluster.scenario, cluster.store, ResourceRegistry::builtin(), metrics, 1);
    double start = cpuSeconds();
    simulator.step(Tick); // compiles the routing: once per configuration change
    const double compile = cpuSeconds() - start;

    start = cpuSeconds();
    const double wallStart = wallSeconds();
    for (double t = 0; t < simulatedSeconds; t += Tick)
        simulator.step(Tick);
    const double cpu = cpuSeconds() - start;
    const double wall = wallSeconds() - wallStart;
    const double percent = 100 * cpu / simulatedSeconds;
    const double hops = hopsIn(metrics);
    std::printf("%s\n", name);
    std::printf("  steady state: %.2f ms CPU per simulated second = %.2f %% of one core (goal < %g %%) %s\n",
                1000 * cpu / simulatedSeconds, percent, goalPercent, percent < goalPercent ? "MET" : "NOT MET");
    std::printf("  %.0f simulated s in %.2f s CPU (%.2f s wall); %.0f hops, %.0f hops per entry request, %.2f us CPU per hop\n",
                simulatedSeconds, cpu, wall, hops, hops / (cluster.scenario.requestsPerSecond * (simulatedSeconds + Tick)),
                1e6 * cpu / hops);
    std::printf("  first step (routing compiled from the store): %.1f ms CPU\n", 1000 * compile);

    // A presenter's change: patch one VirtualService, then the next step rebuilds.
    const auto* virtualServices = ResourceRegistry::builtin().find("networking.istio.io", "v1", "virtualservices");
    std::vector<nlohmann::json> list;
    cluster.store.list(*virtualServices, cluster.scenario.namespaceName, list);
    if (!list.empty()) {
        cluster.store.update(*virtualServices, cluster.scenario.namespaceName, list.front()["metadata"]["name"],
                             [](nlohmann::json& object) -> std::optional<ApiStatus> {
                                 object["metadata"]["labels"]["meshdeck.io/bench"] = "touched";
                                 return std::nullopt;
                             });
        start = cpuSeconds();
        simulator.step(Tick);
        std::printf("  step after a VirtualService patch (rebuild + routes relearned): %.1f ms CPU\n",
                    1000 * (cpuSeconds() - start));
        start = cpuSeconds();
        for (int i = 0; i < 10; ++i)
            simulator.step(Tick);
        std::printf("  the next second after it: %.1f ms CPU\n", 1000 * (cpuSeconds() - start));
    }

    start = cpuSeconds();
    const std::string text = metrics.render();
    std::printf("  /metrics: %zu series, %.1f MB, rendered in %.1f ms CPU\n", metrics.samples().size(),
                static_cast<double>(text.size()) / 1e6, 1000 * (cpuSeconds() - start));
}

} // namespace

int main()
{
    {
        Cluster bookinfo(Scenario::load(resourcesDir / "scenarios" / "bookinfo.yaml"), 100);
        measure("(a) bookinfo, 100 requests/s", bookinfo, 600, 2);
    }
    {
        const double start = wallSeconds();
        Cluster mesh(Scenario::load(resourcesDir / "scenarios" / "generated.yaml", 2000), 10000);
        std::printf("\n(generated 2,000 services and bootstrapped them with their pods in %.1f s)\n", wallSeconds() - start);
        measure("(b) generated mesh, 2,000 services, 10,000 requests/s", mesh, 60, 50);
    }
    return 0;
}

// SPDX-License-Identifier: Apache-2.0
// What one Prometheus scrape of the demo cluster's /metrics costs for generated meshes of 2,000
// and 5,000 services after a minute of traffic at 10,000 requests/s: bytes and milliseconds per
// render, in both formats, with and without client-side and size histograms; then, unless --no-prometheus,
// the real Prometheus scraping the real endpoint at PrometheusProcess::scrapeIntervalFor(N) while
// the simulator runs, and what Prometheus reports about it (up, scrape_duration_seconds,
// prometheus_target_interval_length_seconds, samples scraped, its resident memory).
// Run: build/default/bench/democluster/bench_metrics [--no-prometheus] [services...]

#include "ClusterBootstrap.h"
#include "AdmissionValidator.h"
#include "DeploymentController.h"
#include "IstioMetrics.h"
#include "MetricsListener.h"
#include "ObjectStore.h"
#include "PrometheusProcess.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TempDirectory.h"
#include "TrafficSimulator.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace democluster;

namespace {

const std::filesystem::path resourcesDir = MESHDECK_SOURCE_DIR "/resources";
constexpr double RequestsPerSecond = 10000;

double cpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

struct Cluster {
    ObjectStore store;
    Scenario scenario;

    explicit Cluster(int services)
        : scenario(Scenario::load(resourcesDir / "scenarios" / "generated.yaml", services))
    {
        scenario.requestsPerSecond = RequestsPerSecond;
        AdmissionValidator admission;
        ClusterBootstrap(store, ResourceRegistry::builtin(), admission).seed(scenario, resourcesDir);
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

void measureRender(const IstioMetrics& metrics, IstioMetrics::Format format, const char* name)
{
    double best = 1e300;
    std::size_t bytes = 0;
    for (int run = 0; run < 3; ++run) {
        std::size_t total = 0;
        const double start = cpuMs();
        metrics.render(format, 256 * 1024, [&total](std::string_view chunk) {
            total += chunk.size();
            return true;
        });
        best = std::min(best, cpuMs() - start);
        bytes = total;
    }
    std::printf("    %-34s %9.1f MB  %8.1f ms CPU (best of 3)  %6.0f MB/s\n", name, static_cast<double>(bytes) / 1e6,
                best, static_cast<double>(bytes) / 1e3 / best);
}

nlohmann::json query(int port, const std::string& promql)
{
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30);
    auto result = client.Get("/api/v1/query?query=" + httplib::detail::encode_query_param(promql));
    if (!result || result->status != 200)
        return {};
    const auto body = nlohmann::json::parse(result->body, nullptr, false);
    return body.is_discarded() ? nlohmann::json() : body["data"]["result"];
}

std::string values(int port, const std::string& promql, const char* labelName = nullptr)
{
    std::string text;
    for (const auto& series : query(port, promql)) {
        if (!text.empty())
            text += ", ";
        if (labelName)
            text += series["metric"].value(labelName, std::string()) + "=";
        text += series["value"][1].get<std::string>();
    }
    return text.empty() ? "(none)" : text;
}

void scrapeWithPrometheus(Cluster& cluster, IstioMetrics& metrics, TrafficSimulator& simulator, int services)
{
    if (::access(PrometheusProcess::DefaultBinary, X_OK) != 0) {
        std::printf("  (no %s: Prometheus part skipped)\n", PrometheusProcess::DefaultBinary);
        return;
    }
    MetricsListener listener(metrics);
    const int metricsPort = listener.start();
    TempDirectory workDir("bench-metrics");
    const auto interval = PrometheusProcess::scrapeIntervalFor(services);
    PrometheusProcess prometheus(PrometheusProcess::DefaultBinary, workDir.path(), metricsPort, interval);
    prometheus.start(std::chrono::seconds(60));
    std::atomic<bool> stop{false};
    std::thread traffic([&] {
        auto last = std::chrono::steady_clock::now();
        while (!stop) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            const auto now = std::chrono::steady_clock::now();
            simulator.step(std::chrono::duration<double>(now - last).count());
            last = now;
        }
    });
    constexpr int Seconds = 240; // the first scrapes create every series: slow; then steady
    std::printf("  Prometheus scraping every %lld s for %d s (load %s) ...\n", static_cast<long long>(interval.count()),
                Seconds, cluster.scenario.namespaceName.c_str());
    std::this_thread::sleep_for(std::chrono::seconds(Seconds));
    const int port = prometheus.port();
    std::printf("    up                                          %s\n", values(port, "up").c_str());
    std::printf("    scrape_duration_seconds (last)              %s\n", values(port, "scrape_duration_seconds").c_str());
    std::printf("    max_over_time(scrape_duration_seconds[2m])  %s\n",
                values(port, "max_over_time(scrape_duration_seconds[2m])").c_str());
    std::printf("    scrape_samples_scraped                      %s\n", values(port, "scrape_samples_scraped").c_str());
    std::printf("    scrapes in the last 2 minutes               %s\n", values(port, "count_over_time(up[2m])").c_str());
    // Prometheus' own figures, from its /metrics (it does not scrape itself here).
    httplib::Client client("127.0.0.1", port);
    if (auto own = client.Get("/metrics")) {
        std::istringstream lines(own->body);
        for (std::string line; std::getline(lines, line);) {
            if (line.starts_with("prometheus_target_interval_length_seconds{") || line.starts_with("process_resident_memory_bytes "))
                std::printf("    %s\n", line.c_str());
        }
    }
    std::printf("    series with traffic in the graph's 15 s window: %s\n",
                values(port, "count(rate(istio_requests_total{reporter=\"destination\"}[15s]) > 0)").c_str());
    stop = true;
    traffic.join();
}

void measure(int services, bool withPrometheus)
{
    const auto begin = std::chrono::steady_clock::now();
    Cluster cluster(services);
    IstioMetrics metrics;
    TrafficSimulator simulator(cluster.scenario, cluster.store, ResourceRegistry::builtin(), metrics, 1);
    for (int i = 0; i < 60; ++i)
        simulator.step(1);
    std::printf("\n%d services, after 60 simulated seconds at %.0f requests/s (set up in %.1f s): %zu series\n",
                services, RequestsPerSecond,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count(), metrics.seriesCount());
    metrics.setReporting({.clientHistograms = true, .sizeHistograms = true});
    measureRender(metrics, IstioMetrics::Format::Text, "text, every histogram");
    metrics.setReporting({.clientHistograms = false, .sizeHistograms = true});
    measureRender(metrics, IstioMetrics::Format::Text, "text, no client-side histograms");
    metrics.setReporting(TrafficSimulator::reportingFor(services));
    measureRender(metrics, IstioMetrics::Format::Text, "text, as reported (no size histograms)");
    measureRender(metrics, IstioMetrics::Format::OpenMetrics, "OpenMetrics, as reported");
    if (withPrometheus)
        scrapeWithPrometheus(cluster, metrics, simulator, services);
}

} // namespace

int main(int argc, char** argv)
{
    bool withPrometheus = true;
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--no-prometheus")
            withPrometheus = false;
        else
            sizes.push_back(std::stoi(argv[i]));
    }
    if (sizes.empty())
        sizes = {2000, 5000};
    for (int services : sizes)
        measure(services, withPrometheus);
    return 0;
}

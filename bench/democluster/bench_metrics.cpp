// SPDX-License-Identifier: Apache-2.0
// What one Prometheus scrape of the demo cluster's /metrics costs for generated meshes of 500, 2,000
// and 5,000 services after a minute of traffic at 10,000 requests/s: bytes and milliseconds per
// render, with every label and histogram and as the mesh reports (TrafficSimulator::reportingFor);
// then, unless --no-prometheus, the real Prometheus scraping the real endpoint at
// PrometheusProcess::scrapeIntervalFor(N) while the simulator runs: scrapes made and failed, scrape
// durations (last, average, maximum), samples per scrape, Prometheus' resident memory every 10 s,
// and how long it takes to answer the graph's queries.
// Run: build/default/bench/democluster/bench_metrics [--no-prometheus] [--seconds=240] [services...]

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

// Prometheus' resident memory as it reports it on its own /metrics (it does not scrape itself here).
double prometheusRssMb(int port)
{
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30);
    if (auto own = client.Get("/metrics")) {
        std::istringstream lines(own->body);
        for (std::string line; std::getline(lines, line);) {
            if (line.starts_with("process_resident_memory_bytes "))
                return std::stod(line.substr(line.find(' ') + 1)) / 1e6;
        }
    }
    return 0;
}

// How long Prometheus takes to answer `promql`, and how many series it returns.
void timeQuery(int port, const char* name, const std::string& promql)
{
    const auto start = std::chrono::steady_clock::now();
    const auto result = query(port, promql);
    std::printf("    %-44s %6.0f ms, %zu series\n", name,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
                result.size());
}

void scrapeWithPrometheus(Cluster& cluster, IstioMetrics& metrics, TrafficSimulator& simulator, int services,
                          int seconds)
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
    const int port = prometheus.port();
    std::printf("  Prometheus scraping every %lld s for %d s (load %s) ...\n", static_cast<long long>(interval.count()),
                seconds, cluster.scenario.namespaceName.c_str());
    // Resident memory every 10 s: the first scrapes create every series, later ones should not grow it.
    std::vector<double> rss;
    for (int waited = 0; waited < seconds; waited += 10) {
        std::this_thread::sleep_for(std::chrono::seconds(std::min(10, seconds - waited)));
        rss.push_back(prometheusRssMb(port));
    }
    const std::string whole = "[" + std::to_string(seconds) + "s]";
    std::printf("    up                                          %s\n", values(port, "up").c_str());
    std::printf("    scrapes in the run                          %s (%lld expected)\n",
                values(port, "count_over_time(up" + whole + ")").c_str(),
                static_cast<long long>(seconds / interval.count()));
    std::printf("    failed scrapes in the run                   %s\n",
                values(port, "count_over_time(up" + whole + ") - sum_over_time(up" + whole + ")").c_str());
    std::printf("    scrape_duration_seconds last / avg / max    %s / %s / %s\n",
                values(port, "scrape_duration_seconds").c_str(),
                values(port, "avg_over_time(scrape_duration_seconds" + whole + ")").c_str(),
                values(port, "max_over_time(scrape_duration_seconds" + whole + ")").c_str());
    std::printf("    scrape_samples_scraped                      %s\n", values(port, "scrape_samples_scraped").c_str());
    std::printf("    Prometheus RSS every 10 s (MB)             ");
    for (double mb : rss)
        std::printf(" %.0f", mb);
    std::printf("\n");
    // The graph's two queries (models/graph/EdgeTelemetry) over four scrape intervals, as
    // EdgeTelemetryLoader sends them for this interval.
    const std::string window = "[" + std::to_string(std::max<long long>(15, 4 * interval.count())) + "s]";
    const std::string selector = "{reporter=\"destination\", destination_service_namespace=\"" + cluster.scenario.namespaceName + "\"}";
    const std::string edge = "source_workload, source_workload_namespace, destination_service_namespace, "
                             "destination_service_name, destination_workload";
    std::printf("  the graph's queries over %s:\n", window.c_str());
    timeQuery(port, "edge rates", "sum by (" + edge + ", destination_version, response_code) (rate(istio_requests_total"
                                      + selector + window + "))");
    timeQuery(port, "edge p95 latency", "histogram_quantile(0.95, sum by (le, " + edge
                                            + ") (rate(istio_request_duration_milliseconds_bucket" + selector + window
                                            + ")))");
    timeQuery(port, "edges with traffic", "sum by (" + edge + ") (rate(istio_requests_total" + selector + window + ")) > 0");
    stop = true;
    traffic.join();
}

// Sixty simulated seconds of traffic into `metrics`, reporting as `reporting` says.
void simulate(IstioMetrics& metrics, TrafficSimulator& simulator, IstioMetrics::Reporting reporting)
{
    metrics.setReporting(reporting); // before the first series: labels are removed when one is created
    for (int i = 0; i < 60; ++i)
        simulator.step(1);
}

void measure(int services, bool withPrometheus, int seconds)
{
    const auto begin = std::chrono::steady_clock::now();
    Cluster cluster(services);
    std::printf("\n%d services, after 60 simulated seconds at %.0f requests/s:\n", services, RequestsPerSecond);
    {
        IstioMetrics everything;
        TrafficSimulator simulator(cluster.scenario, cluster.store, ResourceRegistry::builtin(), everything, 1);
        simulate(everything, simulator, {});
        std::printf("  every label: %zu series\n", everything.seriesCount());
        measureRender(everything, IstioMetrics::Format::Text, "text, every histogram");
        everything.setReporting({.clientHistograms = false});
        measureRender(everything, IstioMetrics::Format::Text, "text, no client-side histograms");
        everything.setReporting({.clientHistograms = false, .sizeHistograms = false});
        measureRender(everything, IstioMetrics::Format::Text, "text, no size histograms either");
    }
    IstioMetrics metrics;
    TrafficSimulator simulator(cluster.scenario, cluster.store, ResourceRegistry::builtin(), metrics, 1);
    const auto reporting = TrafficSimulator::reportingFor(services);
    simulate(metrics, simulator, reporting);
    std::printf("  as reported (%s labels, %s duration buckets): %zu series (set up in %.1f s)\n",
                reporting.everyLabel ? "every" : "only the read", reporting.coarseDurationBuckets ? "12" : "19",
                metrics.seriesCount(), std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    measureRender(metrics, IstioMetrics::Format::Text, "text, as reported");
    measureRender(metrics, IstioMetrics::Format::OpenMetrics, "OpenMetrics, as reported");
    if (withPrometheus)
        scrapeWithPrometheus(cluster, metrics, simulator, services, seconds);
}

} // namespace

int main(int argc, char** argv)
{
    bool withPrometheus = true;
    int seconds = 240;
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--no-prometheus")
            withPrometheus = false;
        else if (argument.starts_with("--seconds="))
            seconds = std::stoi(argument.substr(10));
        else
            sizes.push_back(std::stoi(argument));
    }
    if (sizes.empty())
        sizes = {500, 2000, 5000};
    for (int services : sizes)
        measure(services, withPrometheus, seconds);
    return 0;
}

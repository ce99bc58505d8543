// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <filesystem>
#include <sys/types.h>

namespace democluster {

// A private Prometheus that scrapes the simulated sidecar metrics, every second unless the mesh is
// too large for that. It dies with the demo cluster: SIGTERM on stop, and PR_SET_PDEATHSIG if the
// demo cluster is killed outright.
class PrometheusProcess {
public:
    static constexpr const char* DefaultBinary = "/usr/bin/prometheus";

    // Every second up to 400 services, 2 s up to 500, so that the charts move as a presenter acts.
    // A large mesh (TrafficSimulator::LargeMeshServices) is scraped as real ones are, at Prometheus'
    // default and Istio's of 15 s: a scrape of 2,000 services is ~80 MB and takes Prometheus about
    // a second on 2 cores (bench/democluster/bench_metrics), so 5 s would leave it little slack on a
    // busy machine. MeshDeck's graph learns the interval and widens its rate window to match.
    static constexpr std::chrono::seconds LargeMeshScrapeInterval{15};
    static std::chrono::seconds scrapeIntervalFor(int services);

    // `workDir` holds the config, the TSDB and prometheus.log; it must outlive this object.
    PrometheusProcess(std::filesystem::path binary, std::filesystem::path workDir, int metricsPort,
                      std::chrono::seconds scrapeInterval = std::chrono::seconds(1));
    ~PrometheusProcess();
    PrometheusProcess(const PrometheusProcess&) = delete;
    PrometheusProcess& operator=(const PrometheusProcess&) = delete;

    // Starts Prometheus on a free port and waits until /-/ready answers 200. Must be called from the
    // thread that lives longest (the main thread): the death signal follows the forking thread.
    // Throws std::runtime_error naming the log file.
    void start(std::chrono::seconds readyTimeout);
    // SIGTERM, then SIGKILL if it has not exited after a grace period; waits for the child.
    void stop();

    int port() const { return m_port; }
    std::chrono::seconds scrapeInterval() const { return m_scrapeInterval; }
    std::filesystem::path logFile() const { return m_workDir / "prometheus.log"; }

private:
    void writeConfig() const;
    // Forks and execs Prometheus on `port`; returns the child's pid.
    pid_t spawn(int port) const;
    // true once ready; false if the child exited (e.g. the port was taken meanwhile).
    bool waitUntilReady(std::chrono::steady_clock::time_point deadline);

    std::filesystem::path m_binary;
    std::filesystem::path m_workDir;
    int m_metricsPort;
    std::chrono::seconds m_scrapeInterval;
    int m_port = 0;
    pid_t m_pid = -1;
};

} // namespace democluster

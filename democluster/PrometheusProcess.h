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

    // Every second up to 400 services; above, a second more per 400 services (5 s at 2,000): no
    // longer, because the graph's rates over 15 s must still see three scrapes. Whether Prometheus
    // keeps up at that size depends on the machine; bench/democluster/bench_metrics checks it.
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

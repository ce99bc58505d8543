// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <filesystem>
#include <sys/types.h>

namespace democluster {

// A private Prometheus that scrapes the simulated sidecar metrics every second. It dies with the
// demo cluster: SIGTERM on stop, and PR_SET_PDEATHSIG if the demo cluster is killed outright.
class PrometheusProcess {
public:
    static constexpr const char* DefaultBinary = "/usr/bin/prometheus";

    // `workDir` holds the config, the TSDB and prometheus.log; it must outlive this object.
    PrometheusProcess(std::filesystem::path binary, std::filesystem::path workDir, int metricsPort);
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
    int m_port = 0;
    pid_t m_pid = -1;
};

} // namespace democluster

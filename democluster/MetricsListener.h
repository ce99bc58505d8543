// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <memory>
#include <thread>

namespace httplib {
class Server;
}

namespace democluster {

class IstioMetrics;

// Plain-HTTP /metrics on 127.0.0.1, like a sidecar's Prometheus port (15090/15020).
class MetricsListener {
public:
    explicit MetricsListener(const IstioMetrics& metrics);
    ~MetricsListener();
    MetricsListener(const MetricsListener&) = delete;
    MetricsListener& operator=(const MetricsListener&) = delete;

    // Binds a free port, starts serving and returns the port. Throws std::runtime_error.
    int start();
    void stop();

private:
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    std::atomic<bool> m_finished{false};
};

} // namespace democluster

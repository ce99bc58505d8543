// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiResponse.h"

#include <atomic>
#include <string>

namespace democluster {

struct ApiRequest;

// The API server's service proxy for istio-system/prometheus:9090, forwarding to the local
// Prometheus child, so MeshDeck reaches telemetry the same way it does on a real cluster.
class PrometheusProxy {
public:
    // The Service the proxy stands for, as it appears in the proxy path.
    static constexpr const char* Namespace = "istio-system";
    static constexpr const char* ServiceName = "prometheus";
    static constexpr int ServicePort = 9090;

    // 0 means Prometheus is off; requests then get a 503.
    void setTargetPort(int port) { m_targetPort.store(port); }

    // `path` is what follows ".../proxy/", without a leading slash.
    ApiResponse forward(const ApiRequest& request, const std::string& path) const;

private:
    std::atomic<int> m_targetPort{0};
};

} // namespace democluster

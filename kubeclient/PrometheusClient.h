// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiError.h"
#include "HttpTransport.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kube {

class KubeClient;
using Executor = std::function<void(std::function<void()>)>;

// Prometheus reached directly (an ingress, a port-forward, a managed service) with credentials of
// its own rather than the cluster's.
struct PrometheusEndpoint {
    std::string url;          // https://prometheus.example:9090, no trailing slash
    std::string bearerToken;  // empty: none
    std::string caPem;        // empty: the system trust store
    bool insecureSkipTlsVerify = false;
};

struct PromSample {
    double time = 0;  // seconds since the epoch
    double value = 0; // may be NaN or ±Inf, as Prometheus sends them
};

struct PromSeries {
    std::map<std::string, std::string> labels;
    std::vector<PromSample> samples; // one for a vector result, many for a matrix
};

struct PromResult {
    ApiError error;
    std::string resultType; // "vector", "matrix", "scalar", "string"
    std::vector<PromSeries> series; // a scalar is one series without labels
    std::string text;               // the value of a "string" result (its time is in series[0])
    std::vector<std::string> warnings;
};

// Parses a Prometheus HTTP API answer (success or error envelope).
PromResult parsePrometheusResponse(long httpStatus, std::string_view body, const std::string& url = {});

// Prometheus reached through the API server's service proxy, as on a real cluster, or directly.
class PrometheusClient {
public:
    using Callback = std::function<void(PromResult)>;

    static constexpr const char* DefaultProxyPath =
        "/api/v1/namespaces/istio-system/services/prometheus:9090/proxy";

    explicit PrometheusClient(KubeClient& client, std::string proxyPath = DefaultProxyPath);
    // Direct mode: a connection of its own (no client-side rate limit: it is not the API server).
    PrometheusClient(const PrometheusEndpoint& endpoint, Executor deliver);
    ~PrometheusClient();

    RequestId query(const std::string& promql, Callback callback);
    RequestId queryRange(const std::string& promql, double start, double end, double step, Callback callback);
    // After it returns the query's callback is not run. A query's id is this client's: in direct mode
    // the API server's client knows nothing of it (and may have a request of the same number).
    void cancel(RequestId id);

private:
    RequestId run(const std::string& pathAndQuery, Callback callback);

    std::unique_ptr<KubeClient> m_ownClient; // direct mode
    KubeClient& m_client;
    std::string m_proxyPath;
};

} // namespace kube

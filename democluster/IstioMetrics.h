// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace democluster {

// Istio's standard request metrics as an Envoy sidecar exposes them: istio_requests_total and
// the istio_request_duration_milliseconds histogram, with Istio's label names and Envoy's default
// buckets. The simulator records, the /metrics endpoint renders; one mutex between them.
class IstioMetrics {
public:
    // Envoy's default histogram buckets, in milliseconds (+Inf is implied).
    static constexpr std::array<double, 19> DurationBucketsMs = {
        0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000};

    struct Labels {
        std::string reporter; // "source" or "destination"
        std::string sourceWorkload;
        std::string sourceWorkloadNamespace;
        std::string sourceApp;
        std::string sourceVersion;
        std::string sourceCanonicalService;
        std::string sourceCanonicalRevision;
        std::string sourcePrincipal;
        std::string destinationWorkload;
        std::string destinationWorkloadNamespace;
        std::string destinationApp;
        std::string destinationVersion;
        std::string destinationService; // FQDN
        std::string destinationServiceName;
        std::string destinationServiceNamespace;
        std::string destinationCanonicalService;
        std::string destinationCanonicalRevision;
        std::string destinationPrincipal;
        std::string requestProtocol = "http";
        std::string responseCode;
        std::string responseFlags = "-";
        std::string connectionSecurityPolicy;

        // name="value" pairs in Istio's order, escaped for the text exposition format.
        std::string render() const;
        std::map<std::string, std::string> toMap() const;
    };

    // What one series has counted, for tests and summaries.
    struct Sample {
        std::map<std::string, std::string> labels;
        std::uint64_t requests = 0;
        double durationSumMs = 0;
    };

    void record(const Labels& labels, double durationMs);
    // Prometheus text exposition format 0.0.4.
    std::string render() const;
    std::vector<Sample> samples() const;

private:
    struct Series {
        Labels labels;
        std::uint64_t count = 0;
        double sum = 0;
        std::array<std::uint64_t, DurationBucketsMs.size()> buckets{}; // per bucket, not cumulative
    };

    mutable std::mutex m_mutex;
    // Keyed by the rendered label set, so rendering /metrics is concatenation.
    std::map<std::string, Series> m_series;
};

} // namespace democluster

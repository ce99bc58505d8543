// SPDX-License-Identifier: Apache-2.0
#include "IstioMetrics.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace democluster {

namespace {

using Field = std::string IstioMetrics::Labels::*;

// Istio's label names and the order its stats filter emits them in.
constexpr std::pair<const char*, Field> labelFields[] = {
    {"reporter", &IstioMetrics::Labels::reporter},
    {"source_workload", &IstioMetrics::Labels::sourceWorkload},
    {"source_workload_namespace", &IstioMetrics::Labels::sourceWorkloadNamespace},
    {"source_principal", &IstioMetrics::Labels::sourcePrincipal},
    {"source_app", &IstioMetrics::Labels::sourceApp},
    {"source_version", &IstioMetrics::Labels::sourceVersion},
    {"source_cluster", &IstioMetrics::Labels::sourceCluster},
    {"source_canonical_service", &IstioMetrics::Labels::sourceCanonicalService},
    {"source_canonical_revision", &IstioMetrics::Labels::sourceCanonicalRevision},
    {"destination_workload", &IstioMetrics::Labels::destinationWorkload},
    {"destination_workload_namespace", &IstioMetrics::Labels::destinationWorkloadNamespace},
    {"destination_principal", &IstioMetrics::Labels::destinationPrincipal},
    {"destination_app", &IstioMetrics::Labels::destinationApp},
    {"destination_version", &IstioMetrics::Labels::destinationVersion},
    {"destination_service", &IstioMetrics::Labels::destinationService},
    {"destination_service_name", &IstioMetrics::Labels::destinationServiceName},
    {"destination_service_namespace", &IstioMetrics::Labels::destinationServiceNamespace},
    {"destination_canonical_service", &IstioMetrics::Labels::destinationCanonicalService},
    {"destination_canonical_revision", &IstioMetrics::Labels::destinationCanonicalRevision},
    {"destination_cluster", &IstioMetrics::Labels::destinationCluster},
    {"request_protocol", &IstioMetrics::Labels::requestProtocol},
    {"response_code", &IstioMetrics::Labels::responseCode},
    {"grpc_response_status", &IstioMetrics::Labels::grpcResponseStatus},
    {"response_flags", &IstioMetrics::Labels::responseFlags},
    {"connection_security_policy", &IstioMetrics::Labels::connectionSecurityPolicy},
};

void appendEscaped(std::string& out, const std::string& value)
{
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
}

std::string formatNumber(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

template<std::size_t N>
std::array<std::string, N> bucketLabelsOf(const std::array<double, N>& bounds)
{
    std::array<std::string, N> result;
    for (std::size_t i = 0; i < N; ++i)
        result[i] = "le=\"" + formatNumber(bounds[i]) + "\"} ";
    return result;
}

const auto& durationBucketLabels()
{
    static const auto labels = bucketLabelsOf(IstioMetrics::DurationBucketsMs);
    return labels;
}

const auto& sizeBucketLabels()
{
    static const auto labels = bucketLabelsOf(IstioMetrics::SizeBucketsBytes);
    return labels;
}

} // namespace

std::string IstioMetrics::Labels::render() const
{
    std::string out;
    for (const auto& [name, member] : labelFields) {
        if (!out.empty())
            out += ',';
        out += name;
        out += "=\"";
        appendEscaped(out, this->*member);
        out += '"';
    }
    return out;
}

std::map<std::string, std::string> IstioMetrics::Labels::toMap() const
{
    std::map<std::string, std::string> result;
    for (const auto& [name, member] : labelFields)
        result.emplace(name, this->*member);
    return result;
}

template<std::size_t N>
void IstioMetrics::Histogram<N>::add(const std::array<double, N>& bounds, double value)
{
    sum += value;
    const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
    if (bucket < N)
        ++buckets[bucket];
}

IstioMetrics::Series& IstioMetrics::series(const Labels& labels)
{
    std::string key = labels.render();
    std::lock_guard lock(m_mutex);
    auto [found, inserted] = m_series.try_emplace(std::move(key));
    if (inserted)
        found->second.labels = labels;
    return found->second; // std::map nodes never move
}

void IstioMetrics::record(Series& series, const Observation& observation)
{
    std::lock_guard lock(m_mutex);
    ++series.count;
    series.duration.add(DurationBucketsMs, observation.durationMs);
    series.requestBytes.add(SizeBucketsBytes, observation.requestBytes);
    series.responseBytes.add(SizeBucketsBytes, observation.responseBytes);
}

template<std::size_t N>
void IstioMetrics::renderHistogram(std::string& out, const char* name, const std::array<std::string, N>& bucketLabels,
                                   const std::string& labels, std::uint64_t count, const Histogram<N>& histogram)
{
    const std::string bucketPrefix = std::string(name) + "_bucket{" + labels + ',';
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < N; ++i) {
        cumulative += histogram.buckets[i];
        out += bucketPrefix + bucketLabels[i] + std::to_string(cumulative) + '\n';
    }
    out += bucketPrefix + "le=\"+Inf\"} " + std::to_string(count) + '\n';
    out += std::string(name) + "_sum{" + labels + "} " + formatNumber(histogram.sum) + '\n';
    out += std::string(name) + "_count{" + labels + "} " + std::to_string(count) + '\n';
}

std::string IstioMetrics::render() const
{
    std::lock_guard lock(m_mutex);
    std::string out;
    out.reserve(m_series.size() * (DurationBucketsMs.size() + 2 * SizeBucketsBytes.size() + 10) * 900);
    out += "# HELP istio_requests_total Total requests handled by an Istio proxy.\n"
           "# TYPE istio_requests_total counter\n";
    for (const auto& [labels, series] : m_series)
        out += "istio_requests_total{" + labels + "} " + std::to_string(series.count) + '\n';
    out += "# HELP istio_request_duration_milliseconds Request duration in milliseconds.\n"
           "# TYPE istio_request_duration_milliseconds histogram\n";
    for (const auto& [labels, series] : m_series) {
        renderHistogram(out, "istio_request_duration_milliseconds", durationBucketLabels(), labels, series.count,
                        series.duration);
    }
    out += "# HELP istio_request_bytes Request body sizes in bytes.\n"
           "# TYPE istio_request_bytes histogram\n";
    for (const auto& [labels, series] : m_series)
        renderHistogram(out, "istio_request_bytes", sizeBucketLabels(), labels, series.count, series.requestBytes);
    out += "# HELP istio_response_bytes Response body sizes in bytes.\n"
           "# TYPE istio_response_bytes histogram\n";
    for (const auto& [labels, series] : m_series)
        renderHistogram(out, "istio_response_bytes", sizeBucketLabels(), labels, series.count, series.responseBytes);
    return out;
}

std::vector<IstioMetrics::Sample> IstioMetrics::samples() const
{
    std::lock_guard lock(m_mutex);
    std::vector<Sample> result;
    result.reserve(m_series.size());
    for (const auto& [labels, series] : m_series)
        result.push_back({series.labels.toMap(), series.count, series.duration.sum, series.requestBytes.sum,
                          series.responseBytes.sum});
    return result;
}

} // namespace democluster

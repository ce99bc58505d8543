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
    {"request_protocol", &IstioMetrics::Labels::requestProtocol},
    {"response_code", &IstioMetrics::Labels::responseCode},
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

const std::array<std::string, IstioMetrics::DurationBucketsMs.size()>& bucketLabels()
{
    static const auto labels = [] {
        std::array<std::string, IstioMetrics::DurationBucketsMs.size()> result;
        for (std::size_t i = 0; i < result.size(); ++i)
            result[i] = "le=\"" + formatNumber(IstioMetrics::DurationBucketsMs[i]) + "\"} ";
        return result;
    }();
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

void IstioMetrics::record(const Labels& labels, double durationMs)
{
    std::string key = labels.render();
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(DurationBucketsMs.begin(), DurationBucketsMs.end(), durationMs) - DurationBucketsMs.begin());
    std::lock_guard lock(m_mutex);
    auto [found, inserted] = m_series.try_emplace(std::move(key));
    Series& series = found->second;
    if (inserted)
        series.labels = labels;
    ++series.count;
    series.sum += durationMs;
    if (bucket < series.buckets.size())
        ++series.buckets[bucket];
}

std::string IstioMetrics::render() const
{
    std::lock_guard lock(m_mutex);
    std::string out;
    out.reserve(m_series.size() * (DurationBucketsMs.size() + 4) * 900);
    out += "# HELP istio_requests_total Total requests handled by an Istio proxy.\n"
           "# TYPE istio_requests_total counter\n";
    for (const auto& [labels, series] : m_series) {
        out += "istio_requests_total{" + labels + "} " + std::to_string(series.count) + '\n';
    }
    out += "# HELP istio_request_duration_milliseconds Request duration in milliseconds.\n"
           "# TYPE istio_request_duration_milliseconds histogram\n";
    for (const auto& [labels, series] : m_series) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < series.buckets.size(); ++i) {
            cumulative += series.buckets[i];
            out += "istio_request_duration_milliseconds_bucket{" + labels + ',' + bucketLabels()[i]
                   + std::to_string(cumulative) + '\n';
        }
        out += "istio_request_duration_milliseconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(series.count)
               + '\n';
        out += "istio_request_duration_milliseconds_sum{" + labels + "} " + formatNumber(series.sum) + '\n';
        out += "istio_request_duration_milliseconds_count{" + labels + "} " + std::to_string(series.count) + '\n';
    }
    return out;
}

std::vector<IstioMetrics::Sample> IstioMetrics::samples() const
{
    std::lock_guard lock(m_mutex);
    std::vector<Sample> result;
    result.reserve(m_series.size());
    for (const auto& [labels, series] : m_series)
        result.push_back({series.labels.toMap(), series.count, series.sum});
    return result;
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "IstioMetrics.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <span>
#include <utility>

namespace democluster {

namespace {

using Field = std::string IstioMetrics::Labels::*;

struct LabelField {
    const char* name;
    Field member;
    // Read by a MeshDeck query (models/graph/EdgeTelemetry, models/telemetry/TelemetryMetric,
    // models/faults/ExperimentRunner): kept when a large mesh removes the others.
    bool read;
};

// Istio's label names and the order its stats filter emits them in.
constexpr LabelField labelFields[] = {
    {"reporter", &IstioMetrics::Labels::reporter, true},
    {"source_workload", &IstioMetrics::Labels::sourceWorkload, true},
    {"source_workload_namespace", &IstioMetrics::Labels::sourceWorkloadNamespace, true},
    {"source_principal", &IstioMetrics::Labels::sourcePrincipal, false},
    {"source_app", &IstioMetrics::Labels::sourceApp, false},
    {"source_version", &IstioMetrics::Labels::sourceVersion, false},
    {"source_cluster", &IstioMetrics::Labels::sourceCluster, false},
    {"source_canonical_service", &IstioMetrics::Labels::sourceCanonicalService, true},
    {"source_canonical_revision", &IstioMetrics::Labels::sourceCanonicalRevision, false},
    {"destination_workload", &IstioMetrics::Labels::destinationWorkload, true},
    {"destination_workload_namespace", &IstioMetrics::Labels::destinationWorkloadNamespace, false},
    {"destination_principal", &IstioMetrics::Labels::destinationPrincipal, false},
    {"destination_app", &IstioMetrics::Labels::destinationApp, false},
    {"destination_version", &IstioMetrics::Labels::destinationVersion, true},
    {"destination_service", &IstioMetrics::Labels::destinationService, false},
    {"destination_service_name", &IstioMetrics::Labels::destinationServiceName, true},
    {"destination_service_namespace", &IstioMetrics::Labels::destinationServiceNamespace, true},
    {"destination_canonical_service", &IstioMetrics::Labels::destinationCanonicalService, false},
    {"destination_canonical_revision", &IstioMetrics::Labels::destinationCanonicalRevision, false},
    {"destination_cluster", &IstioMetrics::Labels::destinationCluster, false},
    {"request_protocol", &IstioMetrics::Labels::requestProtocol, false},
    {"response_code", &IstioMetrics::Labels::responseCode, true},
    {"grpc_response_status", &IstioMetrics::Labels::grpcResponseStatus, false},
    {"response_flags", &IstioMetrics::Labels::responseFlags, false},
    {"connection_security_policy", &IstioMetrics::Labels::connectionSecurityPolicy, false},
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

// A rendered bucket: its index in the bounds and its `le="..."} ` text.
using BucketLabels = std::vector<std::pair<std::size_t, std::string>>;

// The buckets of `bounds` that are in `wanted` (all when it is empty).
template<std::size_t N>
BucketLabels bucketLabelsOf(const std::array<double, N>& bounds, std::span<const double> wanted = {})
{
    BucketLabels result;
    for (std::size_t i = 0; i < N; ++i) {
        if (wanted.empty() || std::find(wanted.begin(), wanted.end(), bounds[i]) != wanted.end())
            result.emplace_back(i, "le=\"" + formatNumber(bounds[i]) + "\"} ");
    }
    return result;
}

const BucketLabels& sizeBucketLabels()
{
    static const auto labels = bucketLabelsOf(IstioMetrics::SizeBucketsBytes);
    return labels;
}

} // namespace

std::string IstioMetrics::Labels::render(bool everyLabel, bool responseCode) const
{
    std::string out;
    for (const auto& [name, member, read] : labelFields) {
        if ((!everyLabel && !read) || (!responseCode && member == &Labels::responseCode))
            continue;
        if (!out.empty())
            out += ',';
        out += name;
        out += "=\"";
        appendEscaped(out, this->*member);
        out += '"';
    }
    return out;
}

std::map<std::string, std::string> IstioMetrics::Labels::toMap(bool everyLabel) const
{
    std::map<std::string, std::string> result;
    for (const auto& [name, member, read] : labelFields) {
        if (everyLabel || read)
            result.emplace(name, this->*member);
    }
    return result;
}

IstioMetrics::IstioMetrics()
    : m_durationBuckets(bucketLabelsOf(DurationBucketsMs))
{
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
    std::lock_guard lock(m_mutex);
    auto [found, inserted] = m_series.try_emplace(labels.render(m_reporting.everyLabel));
    Series& series = found->second; // std::map nodes never move
    if (inserted) {
        series.labels = labels;
        series.clientSide = labels.reporter == "source";
        series.durationOwner = &series;
        if (!m_reporting.durationByResponseCode) {
            std::string edge = labels.render(m_reporting.everyLabel, false);
            const auto [owner, first] = m_durationOwners.try_emplace(edge, &series);
            if (first)
                series.durationLabels = std::move(edge);
            series.durationOwner = owner->second;
        }
    }
    return series;
}

void IstioMetrics::record(Series& series, const Observation& observation)
{
    std::lock_guard lock(m_mutex);
    ++series.count;
    ++series.durationOwner->durationCount;
    series.durationOwner->duration.add(DurationBucketsMs, observation.durationMs);
    series.requestBytes.add(SizeBucketsBytes, observation.requestBytes);
    series.responseBytes.add(SizeBucketsBytes, observation.responseBytes);
}

namespace {

// The four families in the order Istio's stats filter exposes them, with their headers in both
// formats (OpenMetrics names a counter family without its _total suffix and ends with # EOF).
constexpr int FamilyCount = 4;
constexpr const char* TextHeaders[FamilyCount] = {
    "# HELP istio_requests_total Total requests handled by an Istio proxy.\n"
    "# TYPE istio_requests_total counter\n",
    "# HELP istio_request_duration_milliseconds Request duration in milliseconds.\n"
    "# TYPE istio_request_duration_milliseconds histogram\n",
    "# HELP istio_request_bytes Request body sizes in bytes.\n"
    "# TYPE istio_request_bytes histogram\n",
    "# HELP istio_response_bytes Response body sizes in bytes.\n"
    "# TYPE istio_response_bytes histogram\n",
};
constexpr const char* OpenMetricsHeaders[FamilyCount] = {
    "# TYPE istio_requests counter\n"
    "# HELP istio_requests Total requests handled by an Istio proxy.\n",
    "# TYPE istio_request_duration_milliseconds histogram\n"
    "# HELP istio_request_duration_milliseconds Request duration in milliseconds.\n",
    "# TYPE istio_request_bytes histogram\n"
    "# HELP istio_request_bytes Request body sizes in bytes.\n",
    "# TYPE istio_response_bytes histogram\n"
    "# HELP istio_response_bytes Response body sizes in bytes.\n",
};

void appendNumber(std::string& out, std::uint64_t value)
{
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

// The shortest text that reads back as the same double.
void appendNumber(std::string& out, double value)
{
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

// One line: name{labels[,extra]} value
template<typename Value>
void appendLine(std::string& out, std::string_view name, const std::string& labels, std::string_view extra, Value value)
{
    out += name;
    out += '{';
    out += labels;
    if (!extra.empty()) {
        out += ',';
        out += extra;
    } else {
        out += '}';
        out += ' ';
    }
    appendNumber(out, value);
    out += '\n';
}

struct HistogramNames {
    std::string_view bucket;
    std::string_view sum;
    std::string_view count;
};
constexpr HistogramNames DurationNames = {"istio_request_duration_milliseconds_bucket",
                                          "istio_request_duration_milliseconds_sum",
                                          "istio_request_duration_milliseconds_count"};
constexpr HistogramNames RequestBytesNames = {"istio_request_bytes_bucket", "istio_request_bytes_sum",
                                              "istio_request_bytes_count"};
constexpr HistogramNames ResponseBytesNames = {"istio_response_bytes_bucket", "istio_response_bytes_sum",
                                               "istio_response_bytes_count"};

template<typename Histogram>
void appendHistogram(std::string& out, const HistogramNames& names, const BucketLabels& bucketLabels,
                     const std::string& labels, std::uint64_t count, const Histogram& histogram)
{
    std::uint64_t cumulative = 0;
    std::size_t next = 0; // the next bucket to add to `cumulative`
    for (const auto& [index, text] : bucketLabels) {
        for (; next <= index; ++next)
            cumulative += histogram.buckets[next];
        appendLine(out, names.bucket, labels, text, cumulative);
    }
    appendLine(out, names.bucket, labels, "le=\"+Inf\"} ", count);
    appendLine(out, names.sum, labels, {}, histogram.sum);
    appendLine(out, names.count, labels, {}, count);
}

} // namespace

void IstioMetrics::setReporting(Reporting reporting)
{
    auto durationBuckets = reporting.coarseDurationBuckets ? bucketLabelsOf(DurationBucketsMs, CoarseDurationBucketsMs)
                                                           : bucketLabelsOf(DurationBucketsMs);
    std::lock_guard lock(m_mutex);
    m_reporting = reporting;
    m_durationBuckets = std::move(durationBuckets);
}

void IstioMetrics::renderSeries(std::string& out, int family, const std::string& labels, const Series& series) const
{
    if (family > 0 && series.clientSide && !m_reporting.clientHistograms)
        return;
    switch (family) {
    case 0:
        appendLine(out, "istio_requests_total", labels, {}, series.count);
        break;
    case 1:
        if (series.durationOwner == &series) {
            appendHistogram(out, DurationNames, m_durationBuckets,
                            series.durationLabels.empty() ? labels : series.durationLabels, series.durationCount,
                            series.duration);
        }
        break;
    case 2:
        appendHistogram(out, RequestBytesNames, sizeBucketLabels(), labels, series.count, series.requestBytes);
        break;
    default:
        appendHistogram(out, ResponseBytesNames, sizeBucketLabels(), labels, series.count, series.responseBytes);
        break;
    }
}

void IstioMetrics::render(Format format, std::size_t chunkBytes,
                          const std::function<bool(std::string_view)>& sink) const
{
    bool sizes = true;
    {
        std::lock_guard lock(m_mutex);
        sizes = m_reporting.sizeHistograms;
    }
    const int families = sizes ? FamilyCount : 2; // the size families last
    std::string chunk;
    chunk.reserve(chunkBytes + 64 * 1024); // one histogram past the mark fits without growing
    for (int family = 0; family < families; ++family) {
        chunk += (format == Format::OpenMetrics ? OpenMetricsHeaders : TextHeaders)[family];
        SeriesMap::const_iterator next;
        {
            std::lock_guard lock(m_mutex);
            next = m_series.begin();
        }
        bool more = true;
        while (more) {
            {
                std::lock_guard lock(m_mutex);
                for (; next != m_series.end() && chunk.size() < chunkBytes; ++next)
                    renderSeries(chunk, family, next->first, next->second);
                more = next != m_series.end();
            }
            if (chunk.size() >= chunkBytes || (!more && family + 1 == families)) {
                if (format == Format::OpenMetrics && !more && family + 1 == families)
                    chunk += "# EOF\n";
                if (!sink(chunk))
                    return;
                chunk.clear();
            }
        }
    }
}

std::string IstioMetrics::render(Format format) const
{
    std::string out;
    render(format, std::size_t(1) << 20, [&out](std::string_view chunk) {
        out += chunk;
        return true;
    });
    return out;
}

std::size_t IstioMetrics::seriesCount() const
{
    std::lock_guard lock(m_mutex);
    return m_series.size();
}

std::vector<IstioMetrics::Sample> IstioMetrics::samples() const
{
    std::lock_guard lock(m_mutex);
    std::vector<Sample> result;
    result.reserve(m_series.size());
    for (const auto& [labels, series] : m_series)
        result.push_back({series.labels.toMap(m_reporting.everyLabel), series.count, series.duration.sum, series.requestBytes.sum,
                          series.responseBytes.sum});
    return result;
}

} // namespace democluster

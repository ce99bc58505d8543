// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace democluster {

// Istio's standard request metrics as an Envoy sidecar exposes them: istio_requests_total, the
// istio_request_duration_milliseconds histogram and the istio_request_bytes/istio_response_bytes
// histograms, with Istio's label names and buckets. The simulator records, the /metrics endpoint
// renders; one mutex between them.
class IstioMetrics {
public:
    // The Prometheus text format 0.0.4, or OpenMetrics 1.0 (what Prometheus asks for first).
    enum class Format { Text, OpenMetrics };

    // Envoy's default histogram buckets, in milliseconds (+Inf is implied).
    static constexpr std::array<double, 19> DurationBucketsMs = {
        0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000};
    // The duration buckets of a large mesh, as its pods' annotation would set them
    // (sidecar.istio.io/statsHistogramBuckets: {"istiocustom.istio_request_duration_milliseconds": [...]}):
    // Envoy's from 1 ms to 10 s, a subset of the defaults so each is the same count Envoy's would give.
    static constexpr std::array<double, 12> CoarseDurationBucketsMs = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
    // Istio's stats filter sizes its byte histograms in powers of ten, 1 B to 1 GB.
    static constexpr std::array<double, 10> SizeBucketsBytes = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

    struct Labels {
        std::string reporter; // "source" or "destination"
        std::string sourceWorkload;
        std::string sourceWorkloadNamespace;
        std::string sourceApp;
        std::string sourceVersion;
        std::string sourceCanonicalService;
        std::string sourceCanonicalRevision;
        std::string sourcePrincipal;
        std::string sourceCluster = "Kubernetes"; // Istio's default cluster ID
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
        std::string destinationCluster = "Kubernetes";
        std::string requestProtocol = "http";
        std::string responseCode;
        std::string grpcResponseStatus; // empty for plain HTTP
        std::string responseFlags = "-";
        std::string connectionSecurityPolicy;

        // name="value" pairs in Istio's order, escaped for the text exposition format; without
        // `everyLabel`, only the labels MeshDeck reads (Reporting::everyLabel); without
        // `responseCode`, no response_code.
        std::string render(bool everyLabel = true, bool responseCode = true) const;
        std::map<std::string, std::string> toMap(bool everyLabel = true) const;
    };

    // What one series has counted, for tests and summaries.
    struct Sample {
        std::map<std::string, std::string> labels;
        std::uint64_t requests = 0;
        double durationSumMs = 0;
        double requestBytesSum = 0;
        double responseBytesSum = 0;
    };

    // One request as a proxy saw it: how long it took and the bytes of each direction.
    struct Observation {
        double durationMs = 0;
        double requestBytes = 0;
        double responseBytes = 0;
    };

    struct Series;

    IstioMetrics();
    // The series of a label set, created on first use. The reference stays valid for the life of
    // this object, so a producer can keep it and record without rendering labels again.
    Series& series(const Labels& labels);
    void record(Series& series, const Observation& observation);
    void record(const Labels& labels, const Observation& observation) { record(series(labels), observation); }
    // Which histograms the simulated sidecars report besides istio_requests_total, as Istio's
    // Telemetry API sets it (`overrides: [{match: {metric: REQUEST_SIZE}, disabled: true}, ...]`).
    // A large mesh turns some off, the usual setting there: with all of them, a call between two
    // workloads is 98 lines of exposition, 96 of them histograms.
    // Label values are what makes a large mesh's exposition heavy, so such a mesh also removes the
    // labels no MeshDeck query reads, as the Telemetry API's `tagOverrides: {NAME: {operation: REMOVE}}`
    // does (series that differed only in them become one), and reports fewer duration buckets.
    struct Reporting {
        bool clientHistograms = true;       // reporter="source": duration and sizes (mode: CLIENT)
        bool sizeHistograms = true;         // istio_request_bytes and istio_response_bytes, both sides
        bool everyLabel = true;             // false: only those MeshDeck reads; applies to series created later
        bool coarseDurationBuckets = false; // CoarseDurationBucketsMs instead of Envoy's defaults
        // false: one duration histogram per edge for all response codes (a tagOverride on
        // REQUEST_DURATION alone); MeshDeck's latency queries never select by code. Applies to
        // series created later.
        bool durationByResponseCode = true;
    };
    // Call before recording: labels are removed when a series is created.
    void setReporting(Reporting reporting);

    // The whole exposition at once, for tests and small meshes.
    std::string render(Format format = Format::Text) const;
    // The exposition in pieces of about `chunkBytes`, each handed to `sink` (which returns false to
    // stop). The lock is taken per piece, so a scrape of a large mesh neither holds up the simulator
    // for its whole length nor needs the whole text in memory. Each series' histogram is read under
    // one lock, so its buckets, sum and count agree.
    void render(Format format, std::size_t chunkBytes, const std::function<bool(std::string_view)>& sink) const;
    std::size_t seriesCount() const;
    std::vector<Sample> samples() const;

private:
    template<std::size_t N>
    struct Histogram {
        double sum = 0;
        std::array<std::uint64_t, N> buckets{}; // per bucket, not cumulative

        void add(const std::array<double, N>& bounds, double value);
    };
public:
    struct Series {
        Labels labels;
        bool clientSide = false; // reporter="source"
        std::uint64_t count = 0;
        // The series whose duration histogram this one's requests go to: itself, or with
        // durationByResponseCode off the first series of its edge, which renders the histogram
        // under `durationLabels` for every code.
        Series* durationOwner = nullptr;
        std::string durationLabels; // empty: the series' own labels
        std::uint64_t durationCount = 0;
        Histogram<DurationBucketsMs.size()> duration;
        Histogram<SizeBucketsBytes.size()> requestBytes;
        Histogram<SizeBucketsBytes.size()> responseBytes;
    };

private:

    using SeriesMap = std::map<std::string, Series>;
    // Appends one family's lines of one series, unless it is client-side and its histograms are off.
    void renderSeries(std::string& out, int family, const std::string& labels, const Series& series) const;

    mutable std::mutex m_mutex;
    // Keyed by the rendered label set, so rendering /metrics is concatenation. Series are never
    // erased, so a renderer may keep an iterator between two locks.
    SeriesMap m_series;
    std::map<std::string, Series*> m_durationOwners; // by labels without response_code
    Reporting m_reporting;
    // The duration buckets m_reporting asks for: index in DurationBucketsMs and `le="..."} ` text.
    std::vector<std::pair<std::size_t, std::string>> m_durationBuckets;
};

} // namespace democluster

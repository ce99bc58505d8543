// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace kube {
struct PromResult;
}

// Request rates and latencies between workloads and the services of the namespaces shown, as
// Istio's destination proxies report them (reporter="destination").
struct EdgeSample {
    QString sourceWorkload;
    QString sourceNamespace;
    QString destinationNamespace; // the destination service's
    QString destinationService;
    QString destinationWorkload;
    QString destinationVersion;
    double requestsPerSecond = 0;
    double errorsPerSecond = 0;       // 5xx
    double clientErrorsPerSecond = 0; // 4xx
    // Quantiles of istio_request_duration_milliseconds; negative when Prometheus has none.
    double p50Ms = -1;
    double p95Ms = -1;
    double p99Ms = -1;
};

struct EdgeTelemetry {
    QList<EdgeSample> samples;
    // Prometheus answered for the window. Until it has (or when it may not be asked) no rate is
    // known, which the graph must not draw as "0.0 rps": an idle mesh and a missing answer differ.
    bool arrived = false;

    // The PromQL for the rates of traffic arriving at services of `namespaces`, or leaving them for
    // other namespaces, over `window`, one series per edge and response code. One query for all
    // namespaces, where Kiali sends a set per namespace: the answer is the same, and Prometheus does
    // the work once.
    static QString requestsQuery(const QStringList& namespaces, const QString& window);
    // The PromQL for p50, p95 and p99 latency per edge over `window`: one query, three
    // histogram_quantile()s told apart by a "quantile" label. Prometheus sums the buckets three
    // times (about 1.5x slower than asking for the bucket rates once), but the answer is ~10,000
    // series at 2,000 services where the buckets would be ~120,000: the app's memory goal and the
    // API server's proxy both prefer the small answer.
    static QString latencyQuery(const QStringList& namespaces, const QString& window);
    // Folds the per-response-code series of requestsQuery()'s answer into one sample per edge and
    // adds the quantiles of latencyQuery()'s answer to the samples they belong to.
    static EdgeTelemetry fromPrometheus(const kube::PromResult& requests, const kube::PromResult* latency = nullptr);
};

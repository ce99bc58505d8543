// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "TelemetryScope.h"

#include <QList>
#include <QString>

// The numbers an operator judges a version by, each as one PromQL over Istio's standard metrics,
// grouped by destination_version so every version is its own series.
enum class TelemetryMetric {
    RequestRate,   // requests/s
    Errors5xx,     // % of requests answered 5xx
    Errors4xx,     // % of requests answered 4xx
    LatencyP50,    // ms, from istio_request_duration_milliseconds_bucket
    LatencyP95,
    LatencyP99,
    RequestBytes,  // mean request size
    ResponseBytes, // mean response size
};

struct TelemetryMetricInfo {
    TelemetryMetric metric;
    QString key;   // stable, for CSV and settings
    QString title; // for legends
    QString unit;
};

class TelemetryMetrics {
public:
    static const QList<TelemetryMetricInfo>& all();
    static const TelemetryMetricInfo& info(TelemetryMetric metric);
    // The query for the traffic of `scope` (arriving at a service, or along one edge), as
    // destination proxies report it.
    static QString query(TelemetryMetric metric, const TelemetryScope& scope, int rateWindowSeconds);
    // The label selector of `scope`'s traffic, without braces.
    static QString selector(const TelemetryScope& scope);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "TelemetrySeriesModel.h"

namespace kube {
struct PromResult;
}

// Turns Prometheus's answer to one metric's query into chart series, one per destination_version.
// Runs on a worker thread: a 6-hour backfill of every metric is hundreds of thousands of samples.
class TelemetryResultReader {
public:
    // NaN (a quantile or ratio of no requests) and ±Inf are no value: they become gaps, never zeros.
    static QList<TelemetrySeries> read(TelemetryMetric metric, const kube::PromResult& result);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>

struct EdgeTelemetry;

// Live numbers of one version of a service, side by side with its other versions: what an A/B
// test or a canary is judged by.
struct VariantNumbers {
    QString version;
    double requestsPerSecond = 0;
    double errorRatio = 0; // 5xx share, 0..1
    double p95Ms = -1;     // negative when unknown

    // Per version of `service` in `namespaceName` from the edges arriving at it, versions in name
    // order: two namespaces may each hold a service of that name, and their numbers stay apart. p95
    // is the rate-weighted mean of the callers' p95s, a close reading when callers see similar
    // latency (the telemetry charts hold the exact per-version quantile).
    static QList<VariantNumbers> of(const EdgeTelemetry& telemetry, const QString& namespaceName, const QString& service);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>

namespace kube {
struct PromResult;
}

// Request rates between workloads and services in one namespace, as Istio's destination proxies
// report them (istio_requests_total, reporter="destination").
struct EdgeSample {
    QString sourceWorkload;
    QString sourceNamespace;
    QString destinationService;
    QString destinationWorkload;
    QString destinationVersion;
    double requestsPerSecond = 0;
    double errorsPerSecond = 0; // 5xx
};

struct EdgeTelemetry {
    QList<EdgeSample> samples;

    // The PromQL for traffic arriving at services of `namespaceName`, as rates over `window`.
    static QString query(const QString& namespaceName, const QString& window);
    // Folds the per-response-code series of query()'s answer into one sample per edge.
    static EdgeTelemetry fromPrometheus(const kube::PromResult& result);
};

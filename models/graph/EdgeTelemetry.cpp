// SPDX-License-Identifier: Apache-2.0
#include "EdgeTelemetry.h"

#include "kubeclient/PrometheusClient.h"

#include <QHash>

#include <cmath>

QString EdgeTelemetry::query(const QString& namespaceName, const QString& window)
{
    return QStringLiteral("sum by (source_workload, source_workload_namespace, destination_service_name, "
                          "destination_workload, destination_version, response_code) "
                          "(rate(istio_requests_total{reporter=\"destination\", "
                          "destination_service_namespace=\"%1\"}[%2]))")
        .arg(namespaceName, window);
}

EdgeTelemetry EdgeTelemetry::fromPrometheus(const kube::PromResult& result)
{
    EdgeTelemetry telemetry;
    QHash<QString, qsizetype> indexByEdge;
    auto label = [](const kube::PromSeries& s, const char* name) {
        const auto it = s.labels.find(name);
        return it == s.labels.end() ? QString() : QString::fromStdString(it->second);
    };
    for (const kube::PromSeries& series : result.series) {
        if (series.samples.empty())
            continue;
        const double rate = series.samples.back().value;
        if (!std::isfinite(rate))
            continue;
        EdgeSample key;
        key.sourceWorkload = label(series, "source_workload");
        key.sourceNamespace = label(series, "source_workload_namespace");
        key.destinationService = label(series, "destination_service_name");
        key.destinationWorkload = label(series, "destination_workload");
        key.destinationVersion = label(series, "destination_version");
        const bool serverError = label(series, "response_code").startsWith(u'5');

        const QString edgeKey = key.sourceNamespace + u'/' + key.sourceWorkload + u'>'
            + key.destinationService + u'/' + key.destinationWorkload;
        auto found = indexByEdge.constFind(edgeKey);
        if (found == indexByEdge.cend()) {
            found = indexByEdge.insert(edgeKey, telemetry.samples.size());
            telemetry.samples.append(key);
        }
        EdgeSample* sample = &telemetry.samples[*found];
        sample->requestsPerSecond += rate;
        if (serverError)
            sample->errorsPerSecond += rate;
    }
    return telemetry;
}

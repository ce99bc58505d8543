// SPDX-License-Identifier: Apache-2.0
#include "EdgeTelemetry.h"

#include "kubeclient/PrometheusClient.h"

#include <QHash>

#include <cmath>

namespace {

const QString EdgeLabels = QStringLiteral("source_workload, source_workload_namespace, destination_service_namespace, "
                                         "destination_service_name, destination_workload");

QString label(const kube::PromSeries& s, const char* name)
{
    const auto it = s.labels.find(name);
    return it == s.labels.end() ? QString() : QString::fromStdString(it->second);
}

QString edgeKey(const kube::PromSeries& s)
{
    return label(s, "source_workload_namespace") + u'/' + label(s, "source_workload") + u'>'
        + label(s, "destination_service_namespace") + u'/' + label(s, "destination_service_name") + u'/'
        + label(s, "destination_workload");
}

double lastValue(const kube::PromSeries& s)
{
    return s.samples.empty() ? std::nan("") : s.samples.back().value;
}

// `destination_service_namespace="bookinfo"`, or `=~"bookinfo|payments"` for several. Namespace
// names are DNS labels, so nothing in them needs escaping in a regular expression.
QString namespaceMatcher(const QStringList& namespaces)
{
    if (namespaces.size() == 1)
        return QStringLiteral("destination_service_namespace=\"%1\"").arg(namespaces.first());
    return QStringLiteral("destination_service_namespace=~\"%1\"").arg(namespaces.join(u'|'));
}

} // namespace

QString EdgeTelemetry::requestsQuery(const QStringList& namespaces, const QString& window)
{
    return QStringLiteral("sum by (%3, destination_version, response_code) "
                          "(rate(istio_requests_total{reporter=\"destination\", %1}[%2]))")
        .arg(namespaceMatcher(namespaces), window, EdgeLabels);
}

QString EdgeTelemetry::latencyQuery(const QStringList& namespaces, const QString& window)
{
    const QString buckets = QStringLiteral("sum by (le, %3) (rate(istio_request_duration_milliseconds_bucket{"
                                           "reporter=\"destination\", %1}[%2]))")
                                .arg(namespaceMatcher(namespaces), window, EdgeLabels);
    QStringList parts;
    for (const char* q : {"0.5", "0.95", "0.99"}) {
        parts.append(QStringLiteral("label_replace(histogram_quantile(%1, %2), \"quantile\", \"%1\", \"\", \"\")")
                         .arg(QLatin1StringView(q), buckets));
    }
    return parts.join(QStringLiteral(" or "));
}

EdgeTelemetry EdgeTelemetry::fromPrometheus(const kube::PromResult& requests, const kube::PromResult* latency)
{
    EdgeTelemetry telemetry;
    QHash<QString, qsizetype> indexByEdge;
    for (const kube::PromSeries& series : requests.series) {
        const double rate = lastValue(series);
        if (!std::isfinite(rate))
            continue;
        const QString key = edgeKey(series);
        auto found = indexByEdge.constFind(key);
        if (found == indexByEdge.cend()) {
            EdgeSample sample;
            sample.sourceWorkload = label(series, "source_workload");
            sample.sourceNamespace = label(series, "source_workload_namespace");
            sample.destinationNamespace = label(series, "destination_service_namespace");
            sample.destinationService = label(series, "destination_service_name");
            sample.destinationWorkload = label(series, "destination_workload");
            sample.destinationVersion = label(series, "destination_version");
            found = indexByEdge.insert(key, telemetry.samples.size());
            telemetry.samples.append(sample);
        }
        EdgeSample& sample = telemetry.samples[*found];
        const QString code = label(series, "response_code");
        sample.requestsPerSecond += rate;
        if (code.startsWith(u'5'))
            sample.errorsPerSecond += rate;
        else if (code.startsWith(u'4'))
            sample.clientErrorsPerSecond += rate;
    }
    if (!latency)
        return telemetry;
    for (const kube::PromSeries& series : latency->series) {
        const double ms = lastValue(series);
        const auto found = indexByEdge.constFind(edgeKey(series));
        if (!std::isfinite(ms) || found == indexByEdge.cend())
            continue; // NaN: no requests in the window; no rate series: an edge we do not show
        EdgeSample& sample = telemetry.samples[*found];
        const QString quantile = label(series, "quantile");
        if (quantile == u"0.5")
            sample.p50Ms = ms;
        else if (quantile == u"0.95")
            sample.p95Ms = ms;
        else if (quantile == u"0.99")
            sample.p99Ms = ms;
    }
    return telemetry;
}

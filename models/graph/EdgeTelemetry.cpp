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

// `label="bookinfo"`, or `label=~"bookinfo|payments"` for several; `!=`, `!~` when negated.
// Namespace names are DNS labels, so nothing in them needs escaping in a regular expression.
QString namespaceMatcher(const char* label, const QStringList& namespaces, bool negated = false)
{
    const bool several = namespaces.size() > 1;
    const char* op = negated ? (several ? "!~" : "!=") : (several ? "=~" : "=");
    return QLatin1StringView(label) + QLatin1StringView(op) + u'"' + namespaces.join(u'|') + u'"';
}

// The series of `metric` summed by `by` for the edges the graph shows: traffic arriving in the
// namespaces shown, or (the second half, disjoint from the first) leaving them for namespaces not
// shown, which the graph ends at an outside node as Kiali does.
QString edgeSeries(const char* metric, const QStringList& namespaces, const QString& window, const QString& by)
{
    const QString arriving = namespaceMatcher("destination_service_namespace", namespaces);
    const QString leaving = namespaceMatcher("source_workload_namespace", namespaces) + QStringLiteral(", ")
        + namespaceMatcher("destination_service_namespace", namespaces, true);
    const QString part = QStringLiteral("sum by (%1) (rate(%2{reporter=\"destination\", %3}[%4]))");
    return part.arg(by, QLatin1StringView(metric), arriving, window) + QStringLiteral(" or ")
        + part.arg(by, QLatin1StringView(metric), leaving, window);
}

} // namespace

QString EdgeTelemetry::requestsQuery(const QStringList& namespaces, const QString& window)
{
    return edgeSeries("istio_requests_total", namespaces, window, EdgeLabels + QStringLiteral(", destination_version, response_code"));
}

QString EdgeTelemetry::latencyQuery(const QStringList& namespaces, const QString& window)
{
    const QString buckets = edgeSeries("istio_request_duration_milliseconds_bucket", namespaces, window,
                                       QStringLiteral("le, ") + EdgeLabels);
    QStringList parts;
    for (const char* q : {"0.5", "0.95", "0.99"}) {
        parts.append(QStringLiteral("label_replace(histogram_quantile(%1, (%2)), \"quantile\", \"%1\", \"\", \"\")")
                         .arg(QLatin1StringView(q), buckets));
    }
    return parts.join(QStringLiteral(" or "));
}

EdgeTelemetry EdgeTelemetry::fromPrometheus(const kube::PromResult& requests, const kube::PromResult* latency)
{
    EdgeTelemetry telemetry;
    telemetry.arrived = true;
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

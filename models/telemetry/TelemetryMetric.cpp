// SPDX-License-Identifier: Apache-2.0
#include "TelemetryMetric.h"

const QList<TelemetryMetricInfo>& TelemetryMetrics::all()
{
    static const QList<TelemetryMetricInfo> metrics{
        {TelemetryMetric::RequestRate, QStringLiteral("request_rate"), QStringLiteral("requests/s"), QStringLiteral("req/s")},
        {TelemetryMetric::Errors5xx, QStringLiteral("errors_5xx"), QStringLiteral("5xx"), QStringLiteral("%")},
        {TelemetryMetric::Errors4xx, QStringLiteral("errors_4xx"), QStringLiteral("4xx"), QStringLiteral("%")},
        {TelemetryMetric::LatencyP50, QStringLiteral("latency_p50"), QStringLiteral("p50"), QStringLiteral("ms")},
        {TelemetryMetric::LatencyP95, QStringLiteral("latency_p95"), QStringLiteral("p95"), QStringLiteral("ms")},
        {TelemetryMetric::LatencyP99, QStringLiteral("latency_p99"), QStringLiteral("p99"), QStringLiteral("ms")},
        {TelemetryMetric::RequestBytes, QStringLiteral("request_bytes"), QStringLiteral("request"), QStringLiteral("bytes")},
        {TelemetryMetric::ResponseBytes, QStringLiteral("response_bytes"), QStringLiteral("response"), QStringLiteral("bytes")},
    };
    return metrics;
}

const TelemetryMetricInfo& TelemetryMetrics::info(TelemetryMetric metric)
{
    for (const TelemetryMetricInfo& i : all()) {
        if (i.metric == metric)
            return i;
    }
    return all().first();
}

QString TelemetryMetrics::selector(const TelemetryScope& scope)
{
    // Label values are quoted PromQL strings: a quote or backslash in a name must not end them.
    auto quoted = [](QString value) -> QString {
        value.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        return u'"' + value + u'"';
    };
    QString selector = QStringLiteral("reporter=\"destination\", destination_service_namespace=%1, "
                                      "destination_service_name=%2")
                           .arg(quoted(scope.namespaceName), quoted(scope.service));
    if (!scope.sourceService.isEmpty())
        selector += QStringLiteral(", source_canonical_service=") + quoted(scope.sourceService);
    if (!scope.sourceWorkload.isEmpty())
        selector += QStringLiteral(", source_workload=") + quoted(scope.sourceWorkload);
    if (!scope.sourceNamespace.isEmpty())
        selector += QStringLiteral(", source_workload_namespace=") + quoted(scope.sourceNamespace);
    if (!scope.destinationWorkload.isEmpty())
        selector += QStringLiteral(", destination_workload=") + quoted(scope.destinationWorkload);
    return selector;
}

QString TelemetryMetrics::query(TelemetryMetric metric, const TelemetryScope& scope, int rateWindowSeconds)
{
    const QString selector = TelemetryMetrics::selector(scope);
    const QString window = QString::number(rateWindowSeconds) + u's';
    auto rate = [&](const QString& name, const QString& extra = {}) {
        return QStringLiteral("sum by (destination_version) (rate(%1{%2%3}[%4]))").arg(name, selector, extra, window);
    };
    auto errorPercent = [&](const QString& codes) {
        // `or ... * 0` keeps a 0 % point when a version has traffic but no errors, instead of no point.
        const QString errors = rate(QStringLiteral("istio_requests_total"),
                                    QStringLiteral(", response_code=~\"%1\"").arg(codes));
        const QString total = rate(QStringLiteral("istio_requests_total"));
        return QStringLiteral("(%1 or %2 * 0) / %2 * 100").arg(errors, total);
    };
    auto quantile = [&](const char* q) {
        return QStringLiteral("histogram_quantile(%1, sum by (destination_version, le) "
                              "(rate(istio_request_duration_milliseconds_bucket{%2}[%3])))")
            .arg(QLatin1String(q), selector, window);
    };
    auto meanSize = [&](const QString& histogram) {
        return QStringLiteral("%1 / %2").arg(rate(histogram + QStringLiteral("_sum")), rate(histogram + QStringLiteral("_count")));
    };

    switch (metric) {
    case TelemetryMetric::RequestRate:
        return rate(QStringLiteral("istio_requests_total"));
    case TelemetryMetric::Errors5xx:
        return errorPercent(QStringLiteral("5.."));
    case TelemetryMetric::Errors4xx:
        return errorPercent(QStringLiteral("4.."));
    case TelemetryMetric::LatencyP50:
        return quantile("0.5");
    case TelemetryMetric::LatencyP95:
        return quantile("0.95");
    case TelemetryMetric::LatencyP99:
        return quantile("0.99");
    case TelemetryMetric::RequestBytes:
        return meanSize(QStringLiteral("istio_request_bytes"));
    case TelemetryMetric::ResponseBytes:
        return meanSize(QStringLiteral("istio_response_bytes"));
    }
    return {};
}

// SPDX-License-Identifier: Apache-2.0
#include "TelemetryResultReader.h"

#include "kubeclient/PrometheusClient.h"

#include <cmath>

QList<TelemetrySeries> TelemetryResultReader::read(TelemetryMetric metric, const kube::PromResult& result)
{
    QList<TelemetrySeries> series;
    series.reserve(qsizetype(result.series.size()));
    for (const kube::PromSeries& s : result.series) {
        const auto version = s.labels.find("destination_version");
        TelemetrySeries out;
        out.metric = metric;
        out.version = version == s.labels.end() ? QStringLiteral("unknown") : QString::fromStdString(version->second);
        out.points.reserve(qsizetype(s.samples.size()));
        for (const kube::PromSample& sample : s.samples) {
            if (std::isfinite(sample.value))
                out.points.append(QPointF(sample.time * 1000.0, sample.value));
        }
        series.append(std::move(out));
    }
    return series;
}

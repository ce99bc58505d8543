// SPDX-License-Identifier: Apache-2.0
#include "VariantNumbers.h"

#include "models/graph/EdgeTelemetry.h"

#include <QMap>

QList<VariantNumbers> VariantNumbers::of(const EdgeTelemetry& telemetry, const QString& namespaceName, const QString& service)
{
    struct Sum {
        double rate = 0;
        double errors = 0;
        double weightedP95 = 0;
        double rateWithP95 = 0;
    };
    QMap<QString, Sum> sums;
    for (const EdgeSample& sample : telemetry.samples) {
        if (sample.destinationService != service || sample.destinationNamespace != namespaceName
            || sample.destinationVersion.isEmpty())
            continue;
        Sum& sum = sums[sample.destinationVersion];
        sum.rate += sample.requestsPerSecond;
        sum.errors += sample.errorsPerSecond;
        if (sample.p95Ms >= 0 && sample.requestsPerSecond > 0) {
            sum.weightedP95 += sample.p95Ms * sample.requestsPerSecond;
            sum.rateWithP95 += sample.requestsPerSecond;
        }
    }
    QList<VariantNumbers> result;
    for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
        const Sum& sum = it.value();
        result.append({it.key(), sum.rate, sum.rate > 0 ? sum.errors / sum.rate : 0,
                       sum.rateWithP95 > 0 ? sum.weightedP95 / sum.rateWithP95 : -1});
    }
    return result;
}

// SPDX-License-Identifier: Apache-2.0
#include "GuardCondition.h"

QString GuardCondition::describe() const {
    return metric == Metric::SuccessRateBelow
               ? QStringLiteral("success rate of %1 below %2 %").arg(service, QString::number(threshold))
               : QStringLiteral("p99 of %1 above %2 ms").arg(service, QString::number(threshold));
}

QString GuardCondition::tripped(double observed) const {
    return metric == Metric::SuccessRateBelow
               ? QStringLiteral("success rate of %1 %2 % < %3 %")
                     .arg(service, QString::number(observed, 'f', 1), QString::number(threshold))
               : QStringLiteral("p99 of %1 %2 ms > %3 ms")
                     .arg(service, QString::number(observed, 'f', 0), QString::number(threshold));
}

bool GuardCondition::isTrippedBy(double observed) const {
    return metric == Metric::SuccessRateBelow ? observed < threshold : observed > threshold;
}

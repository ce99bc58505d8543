// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

// An abort condition of an experiment, evaluated from Prometheus while it runs: when the service's
// inbound traffic gets worse than the threshold, the experiment reverts.
struct GuardCondition {
    enum class Metric { SuccessRateBelow /*percent*/, P99AboveMs };

    Metric metric = Metric::SuccessRateBelow;
    QString service; // whose inbound traffic
    double threshold = 95;

    // "success rate of productpage below 95 %", "p99 of productpage above 2000 ms"
    QString describe() const;
    // The reason a tripped guard gives: "success rate of productpage 91.2 % < 95 %".
    QString tripped(double observed) const;
    // Whether the observed value breaks the condition.
    bool isTrippedBy(double observed) const;
    bool operator==(const GuardCondition&) const = default;
};

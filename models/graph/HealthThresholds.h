// SPDX-License-Identifier: Apache-2.0
#pragma once

// Health of a node or an edge from its error ratios, with Kiali's default thresholds: any 5xx is
// degraded and 10 % is failing; 4xx are normal in moderation, degraded at 10 %, failing at 20 %.
enum class Health { Healthy, Degraded, Failing };

struct HealthThresholds {
    double serverDegraded = 0; // strictly above this ratio
    double serverFailing = 0.10;
    double clientDegraded = 0.10;
    double clientFailing = 0.20;

    Health classify(double serverErrorRatio, double clientErrorRatio) const
    {
        if (serverErrorRatio >= serverFailing || clientErrorRatio >= clientFailing)
            return Health::Failing;
        if (serverErrorRatio > serverDegraded || clientErrorRatio >= clientDegraded)
            return Health::Degraded;
        return Health::Healthy;
    }
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>

// How much history the charts show and at what resolution: the step is chosen so a chart never
// holds more points than it has pixels, and each point averages at least four steps and 10 s. The
// rate window the charts use is longer where Prometheus scrapes less often (see ScrapeInterval).
struct TelemetryWindow {
    int rangeSeconds = 300;
    int maxPoints = 600; // the charts' plot width in pixels

    int stepSeconds() const { return std::max(1, (rangeSeconds + maxPoints - 1) / std::max(1, maxPoints)); }
    int minimumRateWindowSeconds() const { return std::max(10, 4 * stepSeconds()); }
    bool operator==(const TelemetryWindow&) const = default;
};

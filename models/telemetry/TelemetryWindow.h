// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>

// How much history the charts show and at what resolution: the step is chosen so a chart never
// holds more points than it has pixels, and the rate window so every point averages at least a
// few scrapes (Prometheus scrapes the mesh every second).
struct TelemetryWindow {
    int rangeSeconds = 300;
    int maxPoints = 600; // the charts' plot width in pixels

    int stepSeconds() const { return std::max(1, (rangeSeconds + maxPoints - 1) / std::max(1, maxPoints)); }
    int rateWindowSeconds() const { return std::max(10, 4 * stepSeconds()); }
    bool operator==(const TelemetryWindow&) const = default;
};

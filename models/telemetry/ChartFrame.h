// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "TelemetrySeriesModel.h"

#include <QList>
#include <QPointF>

// What one chart needs to draw, prepared away from the GUI thread (ChartFramePreparer): every
// line already cut at its gaps and thinned to the plot's pixel columns, so the GUI thread only
// swaps the lists in.

// The chart's metrics over a time range, and the two versions to compare (both empty: every version).
struct ChartFrameRequest {
    QList<TelemetrySeries> series; // implicitly shared with the model: no points are copied
    QList<TelemetryMetric> metrics;
    double stepMs = 1000;
    double fromMs = 0;
    double toMs = 0;
    int columns = 600;
    QString baseline;
    QString canary;
    // The metrics whose baseline-to-canary difference is shaded (one is clearest: bands of p50,
    // p95 and p99 on top of each other hide the lines).
    QList<TelemetryMetric> bandMetrics;
};

struct ChartLine {
    TelemetryMetric metric = TelemetryMetric::RequestRate;
    QString version;
    // Stretches without gaps, cut into chunks on a fixed time grid; a chunk that continues the
    // previous one starts with its last point, a piece after a gap does not.
    QList<QList<QPointF>> pieces;
};

// The area between the baseline's and the canary's line of one metric, where both have values.
struct ChartBand {
    TelemetryMetric metric = TelemetryMetric::RequestRate;
    QList<QList<QPointF>> lower; // piece by piece, like a line
    QList<QList<QPointF>> upper;
};

struct ChartFrame {
    QList<ChartLine> lines;
    QList<ChartBand> bands;
    double highest = 0;  // the largest value drawn
    double earliest = 0; // the oldest time drawn (ms), 0 when nothing is
};

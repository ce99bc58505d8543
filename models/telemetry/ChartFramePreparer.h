// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ChartFrame.h"

// Cuts series at their gaps, thins them to at most a low and a high point per pixel column and,
// when two versions are compared, computes the band between them. Pure: safe on any thread.
class ChartFramePreparer {
public:
    static ChartFrame prepare(const ChartFrameRequest& request);
    // The pointwise lower and upper bound of two series sampled on the same grid, at the times both
    // have a value; a time only one of them has ends a piece.
    static std::pair<QList<QList<QPointF>>, QList<QList<QPointF>>> band(const QList<QPointF>& a, const QList<QPointF>& b,
                                                                        double stepMs);
};

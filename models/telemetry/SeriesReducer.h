// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>

// Thins a time series for drawing: at most one lowest and one highest point per pixel column, in
// time order, plus the first and the last point, so a line looks the same (spikes, ends and the
// newest value included) with far fewer points to stroke.
class SeriesReducer {
public:
    static QList<QPointF> reduce(const QList<QPointF>& points, double fromX, double toX, int columns);
};

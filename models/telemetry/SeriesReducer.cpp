// SPDX-License-Identifier: Apache-2.0
#include "SeriesReducer.h"

#include <algorithm>

QList<QPointF> SeriesReducer::reduce(const QList<QPointF>& points, double fromX, double toX, int columns)
{
    if (columns <= 0 || toX <= fromX || points.size() <= 2 * qsizetype(columns))
        return points;

    QList<QPointF> reduced;
    reduced.reserve(2 * columns + 2);
    const double width = (toX - fromX) / columns;
    qsizetype i = 0;
    while (i < points.size()) {
        const long column = long((points[i].x() - fromX) / width);
        QPointF low = points[i];
        QPointF high = points[i];
        qsizetype j = i + 1;
        for (; j < points.size() && long((points[j].x() - fromX) / width) == column; ++j) {
            if (points[j].y() < low.y())
                low = points[j];
            if (points[j].y() > high.y())
                high = points[j];
        }
        if (low.x() == high.x()) {
            reduced.append(low);
        } else if (low.x() < high.x()) {
            reduced.append(low);
            reduced.append(high);
        } else {
            reduced.append(high);
            reduced.append(low);
        }
        i = j;
    }
    // The ends stay where they are: a gap's edges and the newest value must not move by a column.
    if (reduced.first().x() != points.first().x())
        reduced.prepend(points.first());
    if (reduced.last().x() != points.last().x())
        reduced.append(points.last());
    return reduced;
}

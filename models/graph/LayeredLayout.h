// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>

// Places nodes in layers from left to right by call depth (longest path from the callers), and
// orders each layer by the barycentre of its neighbours to keep edge crossings few.
class LayeredLayout {
public:
    struct Link {
        QString source;
        QString target;
    };

    static constexpr double LayerSpacing = 210;
    static constexpr double RowSpacing = 80;

    static QHash<QString, QPointF> compute(const QStringList& nodes, const QList<Link>& links);
};

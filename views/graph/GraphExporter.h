// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

class QGraphicsView;

// Writes what a graph view shows right now to a picture: PNG (at the screen's pixel ratio) or SVG,
// chosen by the file's suffix. Returns an empty string on success, otherwise what went wrong.
class GraphExporter {
public:
    static QString write(QGraphicsView* view, const QString& file);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "views/style/LookColors.h"

#include "models/graph/HealthThresholds.h"
#include "models/graph/MeshGraph.h"

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>

// The number written on each edge.
enum class EdgeLabel { None, RequestsPerSecond, Share, ErrorRate, LatencyP50, LatencyP95, LatencyP99 };

// What every item of one GraphView draws with, shared by pointer so that switching the label mode
// or the thresholds is one assignment and a repaint, not a walk over thousands of items.
struct GraphStyle {
    EdgeLabel edgeLabel = EdgeLabel::RequestsPerSecond;
    HealthThresholds thresholds;
    // Traffic animation: on only while running and zoomed in enough to see it; `phaseSeconds` is
    // advanced by the view's one timer and read by the edges it repaints.
    bool animating = false;
    double phaseSeconds = 0;
    // The part of the scene being painted and the part the viewport shows, set by the view before
    // its items paint: long edges draw only their piece inside `exposed`, and as hairlines when
    // both their ends are outside `shown` (decided on what is shown, so that a partial repaint
    // draws an edge as the full one did).
    QRectF exposed;
    QRectF shown;
    // The view drew the edges that only pass through `shown` itself, all at once under the items
    // (GraphView::drawBackground); when it could not (a vector export), each edge draws its own.
    bool passingEdgesDrawn = false;

    // Below these levels of detail (device pixels per scene unit) the items draw less: labels and
    // badges go first, then curves become straight lines and nodes plain blocks.
    static constexpr double LabelDetail = 0.6;
    static constexpr double ShapeDetail = 0.4;
    // The selected node's border and the selected edge's halo: violet, a hue neither health (red,
    // orange, green) nor the version palette uses, so a selected node never reads as failing.
    static inline const QColor SelectionColor{0x6A, 0x3F, 0xD8};

    // Built once per view: copying and resizing a QFont in every paint() shows up at thousands of
    // items (and a static QFont would outlive the application it belongs to).
    QFont font;
    QFont boldFont;
    QFont smallFont;
    // Counts font changes, so that items re-lay out the texts they keep only when the fonts changed.
    int fontGeneration = 0;
    // The theme's colours and the line-width factor (larger while presenting), from ViewLook.
    LookColors colors;
    double lineScale = 1;

    GraphStyle();
    // Takes the current ViewLook and application font: after a theme or presentation change.
    void applyLook();
    QString edgeText(const GraphEdge& edge) const;
    static QColor healthColor(Health health);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>

// The colours graphs and charts paint with, apart from health and version colours, which stay the
// same in every theme so that "v2" or "failing" reads the same on any screen.
struct LookColors {
    QColor canvas;          // graph background, chart background
    QColor text;            // node names, edge labels, chart titles and axis labels
    QColor secondaryText;   // node detail lines
    QColor serviceFill;
    QColor workloadFill;
    QColor externalFill;
    QColor labelBackground; // behind edge labels
    QColor grid;            // chart grid lines
    QColor marker;          // chart markers for changes

    static LookColors light();
    static LookColors dark();
    // For a projector: pure black on white (or white on black), fills that still tell node kinds
    // apart, everything else at full strength.
    static LookColors highContrast(bool dark);
};

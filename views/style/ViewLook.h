// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "LookColors.h"

#include <QObject>

// How graphs and charts look right now: the theme's colours (light or dark), made high-contrast with
// wider lines while presenting (fonts grow through the application font). One per application, so that a chart created later draws like the rest;
// the shell sets it, GraphView and MetricChart follow changed().
class ViewLook : public QObject {
    Q_OBJECT
public:
    // Lines grow by this much while presenting: visible from the back of a room.
    static constexpr double PresentationLineScale = 1.8;
    // The application font grows by this much while presenting (PresentationMode sets it).
    static constexpr double PresentationFontScale = 1.3;

    // Created on first use, owned by the application object.
    static ViewLook* instance();

    bool isDark() const { return m_dark; }
    void setDark(bool dark);
    bool isPresenting() const { return m_presenting; }
    void setPresenting(bool presenting);

    LookColors colors() const;
    // Factor for line widths.
    double lineScale() const { return m_presenting ? PresentationLineScale : 1.0; }

Q_SIGNALS:
    void changed();

private:
    explicit ViewLook(QObject* parent);

    bool m_dark = false;
    bool m_presenting = false;
};

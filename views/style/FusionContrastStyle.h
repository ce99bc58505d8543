// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QProxyStyle>

// Fusion, with the frames of check boxes and radio buttons kept visible on a dark palette. Fusion
// outlines them in the window colour darkened, which on a dark window is near-black on the
// near-black input background: the boxes disappear. This draws their frame again in a colour
// between the text and the background. On a light palette it is plain Fusion.
class FusionContrastStyle : public QProxyStyle {
    Q_OBJECT
public:
    FusionContrastStyle();

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget = nullptr) const override;
    // The frame's colour on `palette`: what a test checks the contrast of.
    static QColor indicatorFrame(const QPalette& palette);
};

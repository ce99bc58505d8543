// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QImage>
#include <QLineF>
#include <QList>
#include <QTransform>

// Draws one-pixel lines without smoothing straight into the pixels of an image, as QPainter draws
// a pen of width 0 with antialiasing off. QPainter's cosmetic stroker blends pixel by pixel and
// sets each line up at length: about 18 ns a pixel and 0.5 us a line, so the 18,587 lines of the
// 2,000-service versioned graph at fit-to-window cost ~100 ms. Writing the pixels costs a tenth
// (measured apart, 1600x1000, 18,587 lines of ~100 px: 47 ms with QPainter, 5 ms here).
class HairlineRaster {
public:
    // Draws into `image` (Format_ARGB32_Premultiplied, or Format_RGB32 with opaque colours),
    // through `toImage` from the lines' coordinates to the image's pixels.
    HairlineRaster(QImage* image, const QTransform& toImage);

    void drawLines(const QList<QLineF>& lines, const QColor& color);
    void drawPolyline(const QPointF* points, int count, const QColor& color);

private:
    void drawLine(QPointF from, QPointF to, quint32 pixel);

    QImage* m_image;
    QTransform m_toImage;
    quint32* m_pixels;
    qsizetype m_stride; // pixels per row
    QRectF m_bounds;    // where pixels are, a little inside the image's far edges
};

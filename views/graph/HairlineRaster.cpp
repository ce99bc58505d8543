// SPDX-License-Identifier: Apache-2.0
#include "HairlineRaster.h"

#include <cmath>
#include <cstdlib>

HairlineRaster::HairlineRaster(QImage* image, const QTransform& toImage)
    : m_image(image)
    , m_toImage(toImage)
    , m_pixels(reinterpret_cast<quint32*>(image->bits()))
    , m_stride(image->bytesPerLine() / 4)
    , m_bounds(0, 0, image->width() - 1e-3, image->height() - 1e-3)
{
    Q_ASSERT(image->format() == QImage::Format_ARGB32_Premultiplied || image->format() == QImage::Format_RGB32);
}

void HairlineRaster::drawLines(const QList<QLineF>& lines, const QColor& color)
{
    const quint32 pixel = qPremultiply(color.rgba());
    for (const QLineF& line : lines)
        drawLine(m_toImage.map(line.p1()), m_toImage.map(line.p2()), pixel);
}

void HairlineRaster::drawPolyline(const QPointF* points, int count, const QColor& color)
{
    const quint32 pixel = qPremultiply(color.rgba());
    QPointF from = m_toImage.map(points[0]);
    for (int i = 1; i < count; ++i) {
        const QPointF to = m_toImage.map(points[i]);
        drawLine(from, to, pixel);
        from = to;
    }
}

void HairlineRaster::drawLine(QPointF from, QPointF to, quint32 pixel)
{
    // Cut the line to the image first (Liang-Barsky), so that a line crossing far outside costs
    // nothing for the part that is not drawn.
    const double dx = to.x() - from.x();
    const double dy = to.y() - from.y();
    double enter = 0;
    double leave = 1;
    auto clip = [&](double p, double q) {
        if (p == 0)
            return q >= 0;
        const double r = q / p;
        if (p < 0) {
            if (r > leave)
                return false;
            enter = std::max(enter, r);
        } else {
            if (r < enter)
                return false;
            leave = std::min(leave, r);
        }
        return true;
    };
    if (!clip(-dx, from.x() - m_bounds.left()) || !clip(dx, m_bounds.right() - from.x())
        || !clip(-dy, from.y() - m_bounds.top()) || !clip(dy, m_bounds.bottom() - from.y()))
        return;
    int x = int(std::floor(from.x() + enter * dx));
    int y = int(std::floor(from.y() + enter * dy));
    const int x1 = int(std::floor(from.x() + leave * dx));
    const int y1 = int(std::floor(from.y() + leave * dy));
    // Bresenham: one pixel per step along the longer axis.
    const int stepX = x < x1 ? 1 : -1;
    const int stepY = y < y1 ? 1 : -1;
    const int width = std::abs(x1 - x);
    const int height = -std::abs(y1 - y);
    const int columns = m_image->width();
    const int rows = m_image->height();
    int error = width + height;
    for (;;) {
        if (unsigned(x) < unsigned(columns) && unsigned(y) < unsigned(rows)) // rounding at the edges
            m_pixels[y * m_stride + x] = pixel;
        if (x == x1 && y == y1)
            break;
        const int twice = 2 * error;
        if (twice >= height) {
            error += height;
            x += stepX;
        }
        if (twice <= width) {
            error += width;
            y += stepY;
        }
    }
}

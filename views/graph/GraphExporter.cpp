// SPDX-License-Identifier: Apache-2.0
#include "GraphExporter.h"

#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

QString GraphExporter::write(QGraphicsView* view, const QString& file)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    const QSize size = view->viewport()->size();
    if (suffix == u"svg") {
        QSvgGenerator svg;
        svg.setFileName(file);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QObject::tr("MeshDeck mesh graph"));
        QPainter painter;
        if (!painter.begin(&svg))
            return QObject::tr("cannot write %1").arg(file);
        // Cached items would land in the drawing as bitmaps: draw them as shapes and text instead.
        QList<std::pair<QGraphicsItem*, QGraphicsItem::CacheMode>> cached;
        const QList<QGraphicsItem*> items = view->scene()->items();
        for (QGraphicsItem* item : items) {
            if (item->cacheMode() != QGraphicsItem::NoCache) {
                cached.append({item, item->cacheMode()});
                item->setCacheMode(QGraphicsItem::NoCache);
            }
        }
        view->render(&painter, QRectF(), view->viewport()->rect());
        painter.end();
        for (const auto& [item, mode] : cached)
            item->setCacheMode(mode);
        return QFileInfo(file).size() > 0 ? QString() : QObject::tr("cannot write %1").arg(file);
    }
    if (suffix == u"png") {
        const qreal ratio = view->devicePixelRatioF();
        QImage image(size * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(Qt::white);
        QPainter painter(&image);
        view->render(&painter, QRectF(), view->viewport()->rect());
        painter.end();
        return image.save(file, "PNG") ? QString() : QObject::tr("cannot write %1").arg(file);
    }
    return QObject::tr("%1: unknown picture format (use .png or .svg)").arg(file);
}

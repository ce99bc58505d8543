// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QPixmap;

// The GraphView's viewport. While redirected, whatever paints on it (QGraphicsView's own paint
// event) paints into a pixmap instead, so the view can keep the picture it painted: QWidget::render()
// cannot do that from inside a paint event, which is where the view needs it.
class FrameViewport : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    // Painters begun on this widget paint `target` until redirectTo(nullptr).
    void redirectTo(QPixmap* target) { m_target = target; }

protected:
    QPaintDevice* redirected(QPoint* offset) const override;

private:
    QPixmap* m_target = nullptr;
};

// SPDX-License-Identifier: Apache-2.0
#include "FrameViewport.h"

#include <QPixmap>

QPaintDevice* FrameViewport::redirected(QPoint* offset) const
{
    if (!m_target)
        return QWidget::redirected(offset);
    if (offset)
        *offset = QPoint();
    return m_target;
}

// SPDX-License-Identifier: Apache-2.0
#include "CellItem.h"

CellItem::CellItem(QGraphicsItem* parent)
    : QGraphicsItem(parent)
{
    setFlag(ItemContainsChildrenInShape);
    // Clicks go to the items inside; a cell is never what the user points at.
    setAcceptedMouseButtons(Qt::NoButton);
}

void CellItem::fit()
{
    const QRectF bounds = childrenBoundingRect();
    if (bounds == m_bounds)
        return;
    prepareGeometryChange();
    m_bounds = bounds;
}

void CellItem::paint(QPainter*, const QStyleOptionGraphicsItem*, QWidget*)
{
    // Nothing of its own: the items inside paint themselves.
}

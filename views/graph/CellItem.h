// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QGraphicsItem>

// A group of node or edge items that lie close together and are of a similar size. It draws
// nothing; its bounds are its items', and it promises (ItemContainsChildrenInShape) that they
// draw inside them, so the scene skips a cell outside the painted area whole instead of visiting
// its items one by one: tens of thousands of items under one parent cost every paint a visit to
// each (bench/graph: a 60 px pan strip at 1:1 took 14-28 ms with 25,000 items).
class CellItem : public QGraphicsItem {
public:
    enum { Type = UserType + 4 };

    explicit CellItem(QGraphicsItem* parent);

    // Takes the bounds of the items it holds now: after items were added, moved or removed.
    void fit();

    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF m_bounds;
};

// SPDX-License-Identifier: Apache-2.0
#include "FusionContrastStyle.h"

#include <QPainter>
#include <QStyleFactory>
#include <QStyleOption>

FusionContrastStyle::FusionContrastStyle()
    : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion")))
{
}

QColor FusionContrastStyle::indicatorFrame(const QPalette& palette)
{
    // Halfway from the input background to the text: clearly a frame, not competing with the mark.
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    return QColor((base.red() + text.red()) / 2, (base.green() + text.green()) / 2, (base.blue() + text.blue()) / 2);
}

void FusionContrastStyle::drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                                        const QWidget* widget) const
{
    QProxyStyle::drawPrimitive(element, option, painter, widget);
    const bool indicator = element == PE_IndicatorCheckBox || element == PE_IndicatorRadioButton;
    if (!indicator || option->palette.color(QPalette::Window).lightness() >= 128)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, element == PE_IndicatorRadioButton);
    QColor frame = indicatorFrame(option->palette);
    if (!(option->state & State_Enabled))
        frame.setAlpha(110);
    if ((option->state & State_HasFocus) && (option->state & State_KeyboardFocusChange))
        frame = option->palette.color(QPalette::Highlight);
    painter->setPen(QPen(frame, 1));
    painter->setBrush(Qt::NoBrush);
    if (element == PE_IndicatorRadioButton)
        painter->drawEllipse(QRectF(option->rect).adjusted(1, 1, -1, -1));
    else
        painter->drawRect(option->rect.adjusted(0, 0, -1, -1));
    painter->restore();
}

// SPDX-License-Identifier: Apache-2.0
#include "DiffView.h"

#include <QFontDatabase>
#include <QTextBlock>
#include <QTextCursor>

DiffView::DiffView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void DiffView::setDiff(const QList<DiffLine>& lines, const QString& whenUnchanged)
{
    const QString text = ObjectDiff::unified(lines);
    setPlainText(text.isEmpty() ? whenUnchanged : text);
    // Colour whole lines by their first character, as `kubectl diff` in a terminal would.
    QTextCursor cursor(document());
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        const QString line = block.text();
        QTextBlockFormat format;
        if (line.startsWith(u'-'))
            format.setBackground(QColor(0xFF, 0xE5, 0xE5));
        else if (line.startsWith(u'+'))
            format.setBackground(QColor(0xE2, 0xF5, 0xE2));
        else
            continue;
        cursor.setPosition(block.position());
        cursor.setBlockFormat(format);
    }
}

// SPDX-License-Identifier: Apache-2.0
#include "ShortcutOverlay.h"

#include <QAction>
#include <QEvent>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

ShortcutOverlay::ShortcutOverlay(QWidget* window)
    : QWidget(window)
    , m_window(window)
    , m_action(new QAction(tr("Keyboard &shortcuts"), this))
    , m_list(new QLabel(this))
{
    m_action->setShortcuts({QKeySequence(Qt::Key_Question), QKeySequence(Qt::Key_F1)});
    m_action->setShortcutContext(Qt::WindowShortcut);
    window->addAction(m_action);
    connect(m_action, &QAction::triggered, this, &ShortcutOverlay::open);

    m_list->setTextFormat(Qt::RichText);
    m_list->setAutoFillBackground(true);
    m_list->setBackgroundRole(QPalette::ToolTipBase);
    m_list->setForegroundRole(QPalette::ToolTipText);
    m_list->setContentsMargins(24, 16, 24, 16);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 0, Qt::AlignCenter);
    setFocusPolicy(Qt::StrongFocus);
    window->installEventFilter(this);
    hide();
}

QList<ShortcutOverlay::Entry> ShortcutOverlay::collect(const QWidget* root)
{
    QList<Entry> entries;
    for (const QAction* action : root->findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty())
            continue;
        // iconText() is the text without mnemonic ampersands and a trailing "..." (but not "…").
        QString description = action->text().isEmpty() ? action->toolTip() : action->iconText();
        if (description.endsWith(u'…'))
            description.chop(1);
        if (description.isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence& sequence : action->shortcuts())
            keys.append(sequence.toString(QKeySequence::NativeText));
        entries.append({keys.join(QStringLiteral(", ")), description});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return QString::localeAwareCompare(a.description, b.description) < 0;
    });
    return entries;
}

void ShortcutOverlay::open()
{
    QString rows;
    for (const Entry& entry : collect(m_window)) {
        rows += u"<tr><td align=right style='padding-right:16px'><b>" + entry.keys.toHtmlEscaped()
            + u"</b></td><td>" + entry.description.toHtmlEscaped() + u"</td></tr>";
    }
    m_list->setText(u"<h3>" + tr("Keyboard shortcuts").toHtmlEscaped() + u"</h3><table>" + rows + u"</table><p>"
                    + tr("Any key closes this list.").toHtmlEscaped() + u"</p>");
    setGeometry(m_window->rect());
    raise();
    show();
    setFocus(Qt::ShortcutFocusReason);
}

QString ShortcutOverlay::text() const
{
    return m_list->text();
}

bool ShortcutOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::Resize && isVisible())
        setGeometry(m_window->rect());
    return QWidget::eventFilter(watched, event);
}

void ShortcutOverlay::paintEvent(QPaintEvent*)
{
    // Dim the window so the list stands out in either theme.
    QPainter painter(this);
    painter.fillRect(rect(), QColor(0, 0, 0, 140));
}

void ShortcutOverlay::keyPressEvent(QKeyEvent*)
{
    hide();
}

void ShortcutOverlay::mousePressEvent(QMouseEvent*)
{
    hide();
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QWidget>

class QAction;
class QLabel;

// `?` (or F1) lays a list of every keyboard shortcut of the window over it; any key or click closes
// it. The list is collected from the window's QActions each time it opens, so it never goes stale:
// an action added or rebound anywhere in the window shows up as it is.
class ShortcutOverlay : public QWidget {
    Q_OBJECT
public:
    struct Entry {
        QString keys;        // "Ctrl+F" or "F5, F11", as the platform writes them
        QString description; // the action's text, or its tool tip when it has none
    };

    explicit ShortcutOverlay(QWidget* window);

    // Every action with a shortcut under `root`, by description; an action that names nothing is
    // left out (with the test of GraphPanel making sure none is).
    static QList<Entry> collect(const QWidget* root);
    QAction* action() const { return m_action; }
    // Collects afresh, covers the window and takes the keyboard.
    void open();
    // The text shown by the last open().
    QString text() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QWidget* m_window;
    QAction* m_action;
    QLabel* m_list;
};

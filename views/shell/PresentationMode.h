// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QFont>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;
class QSplitter;
class QWidget;

// One key (F5 or F11) turns a window into something to show on a projector: full screen, larger
// fonts, wider lines and high-contrast colours on the graph and charts (ViewLook), menus, tool bars,
// the status bar and the panels given to hidePanel() out of the way, so the graph and the charts
// share the screen. Leaving restores exactly what was there: geometry, window state, dock and tool
// bar layout, splitter sizes, the font, and which panels were visible.
class PresentationMode : public QObject {
    Q_OBJECT
public:
    explicit PresentationMode(QMainWindow* window);

    // A panel the projector does not need (it is shown again on leaving if it was visible).
    void hidePanel(QWidget* panel);
    // Checkable, F5 and F11; added to the window so that it works while the menus are hidden.
    QAction* action() const { return m_action; }
    bool isActive() const { return m_active; }
    void setActive(bool active);

Q_SIGNALS:
    void activeChanged(bool active);

private:
    void enter();
    void leave();

    QMainWindow* m_window;
    QAction* m_action;
    QList<QPointer<QWidget>> m_panels;
    bool m_active = false;

    // What leave() puts back.
    QByteArray m_geometry;
    QByteArray m_windowState; // tool bars and docks
    Qt::WindowStates m_states;
    QFont m_font;
    QList<QPointer<QWidget>> m_hidden;
    QHash<QSplitter*, QByteArray> m_splitters;
};

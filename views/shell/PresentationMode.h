// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QFont>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <utility>

class QAction;
class QMainWindow;
class QSplitter;
class QWidget;

// One key (F5 or F11) turns a window into something to show on a projector: full screen, larger
// fonts, wider lines and high-contrast colours on the graph and charts (ViewLook), and out of the way
// the menus, every tool bar (the window's and those inside pages), the status bar, the tab bars of
// tab widgets (the pages stay, their tabs go) and the panels given to hidePanel(), so the graph and
// the charts share the screen in the proportions given to arrange(). Leaving restores exactly what
// was there: geometry, window state, dock and tool bar layout, splitter sizes, the font, and which
// widgets were visible.
class PresentationMode : public QObject {
    Q_OBJECT
public:
    explicit PresentationMode(QMainWindow* window);

    // A panel the projector does not need (it is shown again on leaving if it was visible). Given
    // while presenting (a new page after a context switch), it goes at once.
    void hidePanel(QWidget* panel);
    // While presenting, `splitter` shares its length out by `proportions` (e.g. {3, 2}: the graph
    // three fifths, the charts two), whatever the operator had dragged it to.
    void arrange(QSplitter* splitter, const QList<int>& proportions);
    // Checkable, F5 and F11; added to the window so that it works while the menus are hidden.
    QAction* action() const { return m_action; }
    bool isActive() const { return m_active; }
    void setActive(bool active);

Q_SIGNALS:
    void activeChanged(bool active);

private:
    void enter();
    void leave();
    void hide(QWidget* widget);
    void applyArrangements();

    QMainWindow* m_window;
    QAction* m_action;
    QList<QPointer<QWidget>> m_panels;
    QList<std::pair<QPointer<QSplitter>, QList<int>>> m_arrangements;
    bool m_active = false;

    // What leave() puts back.
    QByteArray m_geometry;
    QByteArray m_windowState; // tool bars and docks
    Qt::WindowStates m_states;
    QFont m_font;
    QList<QPointer<QWidget>> m_hidden;
    QHash<QSplitter*, QByteArray> m_splitters;
};

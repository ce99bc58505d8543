// SPDX-License-Identifier: Apache-2.0
#include "PresentationMode.h"

#include "views/style/ViewLook.h"

#include <QAction>
#include <QApplication>
#include <QMainWindow>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QToolBar>

#include <numeric>

PresentationMode::PresentationMode(QMainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_action(new QAction(tr("&Presentation mode"), this))
{
    m_action->setCheckable(true);
    m_action->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::Key_F11)});
    m_action->setShortcutContext(Qt::WindowShortcut);
    window->addAction(m_action);
    connect(m_action, &QAction::toggled, this, &PresentationMode::setActive);
}

void PresentationMode::hidePanel(QWidget* panel)
{
    m_panels.removeAll(nullptr); // the panels of pages that are gone (another context's)
    m_panels.append(panel);
    if (m_active)
        hide(panel);
}

void PresentationMode::arrange(QSplitter* splitter, const QList<int>& proportions)
{
    m_arrangements.removeIf([](const auto& arrangement) { return !arrangement.first; });
    m_arrangements.append({splitter, proportions});
    if (m_active)
        applyArrangements();
}

void PresentationMode::hide(QWidget* widget)
{
    if (widget->isVisibleTo(m_window)) {
        m_hidden.append(widget);
        widget->hide();
    }
}

void PresentationMode::applyArrangements()
{
    // From the event loop: the splitters must have their full-screen length first.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_active)
                return;
            for (const auto& [splitter, proportions] : std::as_const(m_arrangements)) {
                if (!splitter)
                    continue;
                const int length = splitter->orientation() == Qt::Horizontal ? splitter->width() : splitter->height();
                const int total = std::accumulate(proportions.cbegin(), proportions.cend(), 0);
                QList<int> sizes;
                for (int share : proportions)
                    sizes.append(total > 0 ? length * share / total : 0);
                splitter->setSizes(sizes);
            }
        },
        Qt::QueuedConnection);
}

void PresentationMode::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    m_action->setChecked(active);
    if (active)
        enter();
    else
        leave();
    Q_EMIT activeChanged(active);
}

void PresentationMode::enter()
{
    m_geometry = m_window->saveGeometry();
    m_windowState = m_window->saveState();
    m_states = m_window->windowState();
    m_font = QApplication::font();
    m_splitters.clear();
    for (QSplitter* splitter : m_window->findChildren<QSplitter*>())
        m_splitters.insert(splitter, splitter->saveState());

    // Chrome: the menu bar, every tool bar and the status bar, the tab bars, then the panels.
    QList<QWidget*> chrome;
    if (QWidget* menu = m_window->menuWidget())
        chrome.append(menu);
    for (QToolBar* bar : m_window->findChildren<QToolBar*>())
        chrome.append(bar);
    if (auto* status = m_window->findChild<QStatusBar*>(QString(), Qt::FindDirectChildrenOnly))
        chrome.append(status);
    for (QTabWidget* tabs : m_window->findChildren<QTabWidget*>())
        chrome.append(tabs->tabBar());
    for (const QPointer<QWidget>& panel : std::as_const(m_panels)) {
        if (panel)
            chrome.append(panel);
    }
    m_hidden.clear();
    for (QWidget* widget : std::as_const(chrome))
        hide(widget);

    QFont large = m_font;
    large.setPointSizeF(m_font.pointSizeF() * ViewLook::PresentationFontScale);
    // The font first: the graph and charts read it when ViewLook tells them to restyle.
    QApplication::setFont(large);
    ViewLook::instance()->setPresenting(true);
    m_window->showFullScreen();
    // Without a window manager (a bare X server driving a projector) nobody acts on the full-screen
    // request: cover the screen ourselves.
    m_window->setGeometry(m_window->screen()->geometry());
    applyArrangements();
}

void PresentationMode::leave()
{
    QApplication::setFont(m_font);
    ViewLook::instance()->setPresenting(false);
    for (const QPointer<QWidget>& widget : std::as_const(m_hidden)) {
        if (widget)
            widget->show();
    }
    m_hidden.clear();
    // Leave full screen before the geometry goes back: a full-screen window ignores it.
    m_window->setWindowState(m_states);
    m_window->restoreGeometry(m_geometry);
    m_window->restoreState(m_windowState);
    // The splitters get their sizes once the chrome is back and laid out at the normal font (layout
    // requests are handled from the event loop), or that pass would share the change out among them.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_active)
                return; // presenting again already
            for (auto it = m_splitters.cbegin(); it != m_splitters.cend(); ++it) {
                if (m_window->findChildren<QSplitter*>().contains(it.key()))
                    it.key()->restoreState(it.value());
            }
        },
        Qt::QueuedConnection);
}

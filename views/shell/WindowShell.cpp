// SPDX-License-Identifier: Apache-2.0
#include "WindowShell.h"

#include "PresentationMode.h"
#include "ShortcutOverlay.h"
#include "ThemeController.h"
#include "WindowStateStore.h"

#include "views/graph/GraphPanel.h"
#include "views/pages/MeshPage.h"
#include "views/telemetry/TelemetryPanel.h"

#include <QAction>
#include <QEvent>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>

#include <array>

namespace {

const std::array<std::pair<GraphKind, const char16_t*>, 3> GraphKindNames{{
    {GraphKind::VersionedApp, u"versioned-app"},
    {GraphKind::Service, u"service"},
    {GraphKind::Workload, u"workload"},
}};

} // namespace

WindowShell::WindowShell(QMainWindow* window, MeshPage* page, const QString& context, QSettings* settings)
    : QObject(window)
    , m_window(window)
    , m_settings(settings ? settings : new QSettings)
    , m_ownsSettings(!settings)
    , m_theme(new ThemeController(m_settings, this))
    , m_presentation(new PresentationMode(window))
    , m_overlay(new ShortcutOverlay(window))
{
    QMenu* view = window->menuBar()->addMenu(tr("&View"));
    view->addActions(m_theme->actions());
    view->addSeparator();
    view->addAction(m_presentation->action());
    view->addSeparator();
    view->addAction(m_overlay->action());
    // The window holds them too: their shortcuts must work while presentation mode hides the menus.
    window->addActions(m_theme->actions());

    WindowStateStore(*m_settings).restoreWindow(*window);
    window->installEventFilter(this);
    setPage(page, context);
}

WindowShell::~WindowShell()
{
    if (m_ownsSettings)
        delete m_settings;
}

void WindowShell::setPage(MeshPage* page, const QString& context)
{
    m_page = page;
    m_context = context;
    if (!page)
        return;
    m_presentation->hidePanel(page->sidePanel());
    // The page's outer splitter holds the graph above the charts: on a projector the graph keeps
    // most of the height, the charts enough to read from the back of the room.
    if (auto* stage = page->findChild<QSplitter*>(QString(), Qt::FindDirectChildrenOnly))
        m_presentation->arrange(stage, {3, 2});
    restorePage();
}

void WindowShell::save()
{
    // The layout to come back to is the working one, not the projector's.
    m_presentation->setActive(false);
    WindowStateStore(*m_settings).saveWindow(*m_window);
    savePage();
}

void WindowShell::savePage()
{
    WindowStateStore store(*m_settings);
    if (m_page) {
        if (!m_presentation->isActive())
            store.savePanels(*m_page);
        ContextPreferences preferences;
        for (const auto& [kind, name] : GraphKindNames) {
            if (kind == m_page->graphPanel()->options().kind)
                preferences.graphKind = QString::fromUtf16(name);
        }
        preferences.edgeLabel = int(m_page->graphPanel()->edgeLabel());
        preferences.chartWindowSeconds = m_page->telemetryPanel()->windowSeconds();
        preferences.graphNamespaces = m_page->graphPanel()->namespaces();
        store.savePreferences(m_context, preferences);
    }
    m_settings->sync();
}

void WindowShell::restorePage()
{
    WindowStateStore store(*m_settings);
    store.restorePanels(*m_page);
    const ContextPreferences preferences = store.preferences(m_context);
    for (const auto& [kind, name] : GraphKindNames) {
        if (preferences.graphKind == QStringView(name))
            m_page->graphPanel()->setGraphKind(kind);
    }
    if (preferences.edgeLabel >= int(EdgeLabel::None) && preferences.edgeLabel <= int(EdgeLabel::LatencyP99))
        m_page->graphPanel()->setEdgeLabel(EdgeLabel(preferences.edgeLabel));
    if (preferences.chartWindowSeconds > 0)
        m_page->telemetryPanel()->setWindowSeconds(preferences.chartWindowSeconds);
    // The namespaces shown last time come back with the namespace they were shown from; a switch to
    // another namespace starts from that one alone.
    if (preferences.graphNamespaces.contains(m_page->graphPanel()->namespaces().value(0)))
        m_page->graphPanel()->setNamespaces(preferences.graphNamespaces);
}

bool WindowShell::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::Close)
        save();
    return QObject::eventFilter(watched, event);
}

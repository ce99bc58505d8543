// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class MeshPage;
class PresentationMode;
class QMainWindow;
class QSettings;
class ShortcutOverlay;
class ThemeController;

// What a main window needs to be pleasant to work in and to present from, installed with one call:
// a View menu with the themes (following the desktop, or the operator's remembered choice) and
// presentation mode, the `?` shortcut overlay, and
// the window's layout and each context's preferences (graph kind, edge labels, chart window) put
// back when a page appears and written when it goes or the window closes.
class WindowShell : public QObject {
    Q_OBJECT
public:
    // `page` may be null (no cluster yet); `settings` null: QSettings with the application's
    // organisation and name.
    WindowShell(QMainWindow* window, MeshPage* page, const QString& context, QSettings* settings = nullptr);
    ~WindowShell() override;

    ThemeController* themeController() const { return m_theme; }
    PresentationMode* presentationMode() const { return m_presentation; }
    ShortcutOverlay* shortcutOverlay() const { return m_overlay; }
    // The page of another context (or the same one again): the old one's layout and preferences
    // must have been saved (save()) while it still existed.
    void setPage(MeshPage* page, const QString& context);
    // Writes the page's splitters and tabs (unless presenting: the projector's layout is not the
    // one to come back to) and the context's preferences: before the page goes away.
    void savePage();
    // Leaves presentation mode, then writes the window's layout and savePage(): on closing.
    void save();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void restorePage();

    QMainWindow* m_window;
    QPointer<MeshPage> m_page;
    QString m_context;
    QSettings* m_settings;
    bool m_ownsSettings;
    ThemeController* m_theme;
    PresentationMode* m_presentation;
    ShortcutOverlay* m_overlay;
};

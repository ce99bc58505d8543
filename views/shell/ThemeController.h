// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPalette>

class QAction;
class QActionGroup;

enum class Theme { Light, Dark };

// Light and dark palettes for the whole application and the graph and chart colours that go with
// them (ViewLook). Starts with the desktop's theme: Qt 6.4 has no QStyleHints::colorScheme, so the
// platform palette's window lightness decides. The desktop's own palette is used for its own theme;
// the other theme is drawn with Fusion, which honours any palette (native styles may not).
class ThemeController : public QObject {
    Q_OBJECT
public:
    explicit ThemeController(QObject* parent = nullptr);

    // Dark when the window background is darker than mid-grey.
    static Theme themeOf(const QPalette& palette);
    static QPalette lightPalette();
    static QPalette darkPalette();

    Theme desktopTheme() const { return m_desktopTheme; }
    Theme theme() const { return m_theme; }
    void setTheme(Theme theme);
    // "Light" and "Dark", checkable and exclusive, for a View menu.
    QList<QAction*> actions() const;

Q_SIGNALS:
    void themeChanged(Theme theme);

private:
    void apply();

    QPalette m_desktopPalette;
    QString m_desktopStyle;
    Theme m_desktopTheme;
    Theme m_theme;
    QActionGroup* m_group;
    QAction* m_light;
    QAction* m_dark;
};

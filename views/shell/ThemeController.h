// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPalette>

#include <optional>

class QAction;
class QActionGroup;
class QSettings;

enum class Theme { Light, Dark };

// Light and dark palettes for the whole application and the graph and chart colours that go with
// them (ViewLook). Follows the desktop, live, until the operator picks a theme, which is remembered.
// Qt 6.4 has no QStyleHints::colorScheme: the desktop's palette decides (its window lightness), and
// a desktop switching theme reaches us as QEvent::ApplicationPaletteChange on the application,
// because while following we never pin a palette of our own. The desktop's own palette and style
// are used for its own theme; the other theme is drawn with Fusion (FusionContrastStyle), which
// honours any palette (native styles may not).
class ThemeController : public QObject {
    Q_OBJECT
public:
    // `settings` keeps the operator's choice between runs; null: nothing is remembered.
    explicit ThemeController(QSettings* settings = nullptr, QObject* parent = nullptr);

    // Dark when the window background is darker than mid-grey.
    static Theme themeOf(const QPalette& palette);
    static QPalette lightPalette();
    static QPalette darkPalette();

    Theme desktopTheme() const { return m_desktopTheme; }
    Theme theme() const { return m_theme; }
    bool followsDesktop() const { return !m_choice; }
    // The operator's choice (View menu), remembered; nullopt follows the desktop again.
    void choose(std::optional<Theme> theme);
    // For this run only, not remembered (the command line's --theme).
    void setTheme(Theme theme);
    // "Follow the desktop", "Light" and "Dark", checkable and exclusive, for a View menu.
    QList<QAction*> actions() const;

Q_SIGNALS:
    void themeChanged(Theme theme);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void apply(std::optional<Theme> choice);
    // The application palette changed without us: the desktop's, while it is the one shown.
    void desktopPaletteChanged();

    QSettings* m_settings;
    QPalette m_desktopPalette;
    QString m_desktopStyle;
    Theme m_desktopTheme;
    std::optional<Theme> m_choice;
    Theme m_theme;
    bool m_applying = false;
    bool m_ownStyle = false; // FusionContrastStyle with our palette, not the desktop's look
    QActionGroup* m_group;
    QAction* m_follow;
    QAction* m_light;
    QAction* m_dark;
};

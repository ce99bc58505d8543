// SPDX-License-Identifier: Apache-2.0
#include "ThemeController.h"

#include "views/style/FusionContrastStyle.h"
#include "views/style/ViewLook.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QEvent>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace {

const QString ThemeKey = QStringLiteral("appearance/theme");

std::optional<Theme> themeNamed(const QString& name)
{
    if (name == u"light")
        return Theme::Light;
    if (name == u"dark")
        return Theme::Dark;
    return std::nullopt;
}

} // namespace

ThemeController::ThemeController(QSettings* settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_desktopPalette(QApplication::palette())
    , m_desktopStyle(QApplication::style()->name())
    , m_desktopTheme(themeOf(m_desktopPalette))
    , m_theme(m_desktopTheme)
    , m_group(new QActionGroup(this))
    , m_follow(new QAction(tr("&Follow the desktop"), m_group))
    , m_light(new QAction(tr("&Light theme"), m_group))
    , m_dark(new QAction(tr("&Dark theme"), m_group))
{
    for (QAction* action : {m_follow, m_light, m_dark})
        action->setCheckable(true);
    m_light->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_dark->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    connect(m_follow, &QAction::triggered, this, [this] { choose(std::nullopt); });
    connect(m_light, &QAction::triggered, this, [this] { choose(Theme::Light); });
    connect(m_dark, &QAction::triggered, this, [this] { choose(Theme::Dark); });
    QApplication::instance()->installEventFilter(this);
    apply(m_settings ? themeNamed(m_settings->value(ThemeKey).toString()) : std::nullopt);
}

Theme ThemeController::themeOf(const QPalette& palette)
{
    return palette.color(QPalette::Active, QPalette::Window).lightness() < 128 ? Theme::Dark : Theme::Light;
}

QPalette ThemeController::lightPalette()
{
    std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return fusion->standardPalette();
}

QPalette ThemeController::darkPalette()
{
    const QColor window(0x2B, 0x2E, 0x33);
    const QColor base(0x1E, 0x20, 0x24);
    const QColor text(0xE8, 0xE8, 0xE8);
    const QColor disabled(0x80, 0x80, 0x80);
    QPalette palette(window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xFF, 0x6E, 0x5A));
    palette.setColor(QPalette::Highlight, QColor(0x35, 0x84, 0xE4));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x78, 0xB4, 0xFF));
    palette.setColor(QPalette::LinkVisited, QColor(0xB4, 0x8C, 0xFF));
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabled);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, disabled);
    return palette;
}

void ThemeController::choose(std::optional<Theme> theme)
{
    if (m_settings) {
        if (theme)
            m_settings->setValue(ThemeKey, *theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
        else
            m_settings->remove(ThemeKey);
    }
    apply(theme);
}

void ThemeController::setTheme(Theme theme)
{
    apply(theme);
}

QList<QAction*> ThemeController::actions() const
{
    return m_group->actions();
}

void ThemeController::apply(std::optional<Theme> choice)
{
    const Theme before = m_theme;
    m_choice = choice;
    m_theme = choice.value_or(m_desktopTheme);
    (!choice ? m_follow : m_theme == Theme::Dark ? m_dark : m_light)->setChecked(true);
    m_applying = true;
    if (m_theme == m_desktopTheme) {
        if (m_ownStyle)
            QApplication::setStyle(m_desktopStyle);
        m_ownStyle = false;
        // The palette as the desktop gave it: one Qt fills in from the platform theme stays live.
        QApplication::setPalette(m_desktopPalette);
    } else {
        if (!m_ownStyle)
            QApplication::setStyle(new FusionContrastStyle); // the application takes it
        m_ownStyle = true;
        QApplication::setPalette(m_theme == Theme::Dark ? darkPalette() : lightPalette());
    }
    m_applying = false;
    ViewLook::instance()->setDark(m_theme == Theme::Dark);
    if (m_theme != before)
        Q_EMIT themeChanged(m_theme);
}

void ThemeController::desktopPaletteChanged()
{
    m_desktopPalette = QApplication::palette();
    m_desktopTheme = themeOf(m_desktopPalette);
    // Following, the new desktop theme becomes ours; a choice stays, drawn with Fusion once the
    // desktop no longer matches it.
    if (m_desktopTheme != m_theme)
        apply(m_choice);
}

bool ThemeController::eventFilter(QObject* watched, QEvent* event)
{
    // Only the application's own notice: every widget gets one too.
    if (event->type() == QEvent::ApplicationPaletteChange && watched == QApplication::instance() && !m_applying
        && !m_ownStyle)
        desktopPaletteChanged();
    return QObject::eventFilter(watched, event);
}

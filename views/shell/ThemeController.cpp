// SPDX-License-Identifier: Apache-2.0
#include "ThemeController.h"

#include "views/style/ViewLook.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

ThemeController::ThemeController(QObject* parent)
    : QObject(parent)
    , m_desktopPalette(QApplication::palette())
    , m_desktopStyle(QApplication::style()->name())
    , m_desktopTheme(themeOf(m_desktopPalette))
    , m_theme(m_desktopTheme)
    , m_group(new QActionGroup(this))
    , m_light(new QAction(tr("&Light theme"), m_group))
    , m_dark(new QAction(tr("&Dark theme"), m_group))
{
    m_light->setCheckable(true);
    m_dark->setCheckable(true);
    m_light->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_dark->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    connect(m_light, &QAction::triggered, this, [this] { setTheme(Theme::Light); });
    connect(m_dark, &QAction::triggered, this, [this] { setTheme(Theme::Dark); });
    apply();
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

void ThemeController::setTheme(Theme theme)
{
    if (theme == m_theme)
        return;
    m_theme = theme;
    apply();
    Q_EMIT themeChanged(theme);
}

QList<QAction*> ThemeController::actions() const
{
    return m_group->actions();
}

void ThemeController::apply()
{
    (m_theme == Theme::Dark ? m_dark : m_light)->setChecked(true);
    if (m_theme == m_desktopTheme) {
        if (QApplication::style()->name() != m_desktopStyle)
            QApplication::setStyle(m_desktopStyle);
        QApplication::setPalette(m_desktopPalette);
    } else {
        if (QApplication::style()->name() != u"fusion")
            QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(m_theme == Theme::Dark ? darkPalette() : lightPalette());
    }
    ViewLook::instance()->setDark(m_theme == Theme::Dark);
}

// SPDX-License-Identifier: Apache-2.0
#include "views/graph/GraphView.h"
#include "views/shell/ThemeController.h"
#include "views/style/FusionContrastStyle.h"
#include "views/style/ViewLook.h"
#include "views/telemetry/MetricChart.h"

#include "models/telemetry/TelemetrySeriesModel.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QCheckBox>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleOptionButton>
#include <QTemporaryDir>
#include <QTest>

class TestThemeController : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void themeOfPalette_data();
    void themeOfPalette();
    void followsTheDesktopAtStart_data();
    void followsTheDesktopAtStart();
    void switchesAndComesBack();
    void menuActionsSwitch();
    void followsTheDesktopLive();
    void choiceOutlivesDesktopChange();
    void choiceIsRemembered();
    void commandLineThemeIsNotRemembered();
    void darkIndicatorsHaveContrast_data();
    void darkIndicatorsHaveContrast();
    void graphAndChartsFollow();

private:
    QPalette m_startPalette;
};

void TestThemeController::init()
{
    // Each test starts from the same "desktop".
    if (m_startPalette == QPalette())
        m_startPalette = QApplication::palette();
    QApplication::setStyle(QStringLiteral("Fusion")); // the desktop's, as on the offscreen platform
    QApplication::setPalette(m_startPalette);
    ViewLook::instance()->setDark(false);
}

void TestThemeController::themeOfPalette_data()
{
    QTest::addColumn<QColor>("window");
    QTest::addColumn<bool>("dark");
    QTest::newRow("white") << QColor(Qt::white) << false;
    QTest::newRow("Adwaita light") << QColor(0xF6, 0xF5, 0xF4) << false;
    QTest::newRow("Breeze dark") << QColor(0x20, 0x23, 0x26) << true;
    QTest::newRow("just below mid-grey") << QColor(0x7E, 0x7E, 0x7E) << true;
    QTest::newRow("just above mid-grey") << QColor(0x82, 0x82, 0x82) << false;
}

void TestThemeController::themeOfPalette()
{
    QFETCH(QColor, window);
    QFETCH(bool, dark);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    QCOMPARE(ThemeController::themeOf(palette), dark ? Theme::Dark : Theme::Light);
}

void TestThemeController::followsTheDesktopAtStart_data()
{
    QTest::addColumn<bool>("desktopDark");
    QTest::newRow("light desktop") << false;
    QTest::newRow("dark desktop") << true;
}

void TestThemeController::followsTheDesktopAtStart()
{
    QFETCH(bool, desktopDark);
    QApplication::setPalette(desktopDark ? ThemeController::darkPalette() : ThemeController::lightPalette());
    const QPalette desktop = QApplication::palette();
    ThemeController themes;
    QCOMPARE(themes.theme(), desktopDark ? Theme::Dark : Theme::Light);
    QCOMPARE(themes.desktopTheme(), themes.theme());
    QCOMPARE(ViewLook::instance()->isDark(), desktopDark);
    QCOMPARE(QApplication::palette(), desktop); // the desktop's own palette, untouched
    QVERIFY(themes.followsDesktop());
    QVERIFY(themes.actions().at(0)->isChecked()); // "Follow the desktop"
}

void TestThemeController::switchesAndComesBack()
{
    QApplication::setPalette(ThemeController::lightPalette());
    const QPalette desktop = QApplication::palette();
    ThemeController themes;
    QSignalSpy changed(&themes, &ThemeController::themeChanged);
    QSignalSpy lookChanged(ViewLook::instance(), &ViewLook::changed);

    themes.setTheme(Theme::Dark);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<Theme>(), Theme::Dark);
    QCOMPARE(lookChanged.count(), 1);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 128);
    QVERIFY(QApplication::palette().color(QPalette::Text).lightness() > 200);
    QVERIFY(ViewLook::instance()->isDark());

    themes.setTheme(Theme::Dark); // no change, no signal
    QCOMPARE(changed.count(), 1);

    themes.setTheme(Theme::Light);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(QApplication::palette(), desktop);
    QVERIFY(!ViewLook::instance()->isDark());
}

void TestThemeController::menuActionsSwitch()
{
    ThemeController themes;
    const QList<QAction*> actions = themes.actions();
    QCOMPARE(actions.size(), 3); // follow the desktop, light, dark
    QVERIFY(actions.at(0)->isChecked());
    QVERIFY(themes.followsDesktop());
    actions.at(2)->trigger();
    QCOMPARE(themes.theme(), Theme::Dark);
    QVERIFY(!themes.followsDesktop());
    QVERIFY(actions.at(2)->isChecked());
    QVERIFY(!actions.at(1)->isChecked());
    actions.at(1)->trigger();
    QCOMPARE(themes.theme(), Theme::Light);
    QVERIFY(actions.at(1)->isChecked());
    actions.at(0)->trigger();
    QVERIFY(themes.followsDesktop());
    QCOMPARE(themes.theme(), themes.desktopTheme());
}

// A desktop switching theme changes the application palette and sends ApplicationPaletteChange
// (what Qt 6.4 does on a platform theme change); setting the palette here does the same.
void TestThemeController::followsTheDesktopLive()
{
    QApplication::setPalette(ThemeController::lightPalette());
    ThemeController themes;
    QSignalSpy changed(&themes, &ThemeController::themeChanged);
    QCOMPARE(themes.theme(), Theme::Light);

    QApplication::setPalette(ThemeController::darkPalette());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(themes.theme(), Theme::Dark);
    QCOMPARE(themes.desktopTheme(), Theme::Dark);
    QVERIFY(ViewLook::instance()->isDark());
    QVERIFY(themes.actions().at(0)->isChecked());

    QApplication::setPalette(ThemeController::lightPalette());
    QCOMPARE(changed.count(), 2);
    QCOMPARE(themes.theme(), Theme::Light);
    QVERIFY(!ViewLook::instance()->isDark());
}

void TestThemeController::choiceOutlivesDesktopChange()
{
    QApplication::setPalette(ThemeController::lightPalette());
    ThemeController themes;
    themes.choose(Theme::Light); // the desktop's theme, chosen on purpose
    QSignalSpy changed(&themes, &ThemeController::themeChanged);

    QApplication::setPalette(ThemeController::darkPalette()); // the desktop goes dark
    QCOMPARE(themes.desktopTheme(), Theme::Dark);
    QCOMPARE(themes.theme(), Theme::Light);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(ThemeController::themeOf(QApplication::palette()), Theme::Light); // drawn light anyway
    QVERIFY(!ViewLook::instance()->isDark());
}

void TestThemeController::choiceIsRemembered()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("meshdeck.ini")), QSettings::IniFormat);
    QApplication::setPalette(ThemeController::lightPalette());
    {
        ThemeController themes(&settings);
        QVERIFY(themes.followsDesktop());
        themes.choose(Theme::Dark);
    }
    QApplication::setPalette(m_startPalette);
    {
        ThemeController themes(&settings);
        QCOMPARE(themes.theme(), Theme::Dark);
        QVERIFY(!themes.followsDesktop());
        QVERIFY(themes.actions().at(2)->isChecked());
        QVERIFY(ViewLook::instance()->isDark());
        themes.choose(std::nullopt);
    }
    QApplication::setPalette(m_startPalette);
    ThemeController themes(&settings);
    QVERIFY(themes.followsDesktop());
    QCOMPARE(themes.theme(), themes.desktopTheme());
}

void TestThemeController::commandLineThemeIsNotRemembered()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("meshdeck.ini")), QSettings::IniFormat);
    QApplication::setPalette(ThemeController::lightPalette());
    {
        ThemeController themes(&settings);
        themes.setTheme(Theme::Dark);
        QCOMPARE(themes.theme(), Theme::Dark);
    }
    QVERIFY(settings.allKeys().isEmpty());
}

void TestThemeController::darkIndicatorsHaveContrast_data()
{
    QTest::addColumn<bool>("radio");
    QTest::newRow("check box") << false;
    QTest::newRow("radio button") << true;
}

// The empty indicator must stand out from the dark window: somewhere in it a pixel far from the
// background. Plain Fusion draws its frame barely darker than the window.
void TestThemeController::darkIndicatorsHaveContrast()
{
    QFETCH(bool, radio);
    QApplication::setPalette(ThemeController::lightPalette());
    ThemeController themes;
    themes.setTheme(Theme::Dark);
    QScopedPointer<QAbstractButton> button(radio ? static_cast<QAbstractButton*>(new QRadioButton(QStringLiteral("v2")))
                                                 : new QCheckBox(QStringLiteral("locked")));
    button->resize(button->sizeHint());
    const QImage image = button->grab().toImage();
    QStyleOptionButton option;
    option.initFrom(button.data());
    const QRect indicator = button->style()->subElementRect(
        radio ? QStyle::SE_RadioButtonIndicator : QStyle::SE_CheckBoxIndicator, &option, button.data());
    const QColor window = QApplication::palette().color(QPalette::Window);
    int strongest = 0;
    const qreal ratio = image.devicePixelRatio();
    for (int y = indicator.top(); y <= indicator.bottom(); ++y) {
        for (int x = indicator.left(); x <= indicator.right(); ++x) {
            const QColor pixel = image.pixelColor(int(x * ratio), int(y * ratio));
            strongest = std::max(strongest, std::abs(pixel.lightness() - window.lightness()));
        }
    }
    QVERIFY2(strongest >= 60, qPrintable(QStringLiteral("the indicator differs from the window by %1 at most").arg(strongest)));
    const QPalette dark = ThemeController::darkPalette();
    QVERIFY(FusionContrastStyle::indicatorFrame(dark).lightness() - dark.color(QPalette::Base).lightness() >= 60);
}

void TestThemeController::graphAndChartsFollow()
{
    ThemeController themes;
    GraphView graph;
    TelemetrySeriesModel series;
    MetricChart chart(&series, QStringLiteral("Requests/s"), {TelemetryMetric::RequestRate});

    themes.setTheme(Theme::Dark);
    QCOMPARE(graph.graphStyle().colors.canvas, LookColors::dark().canvas);
    QCOMPARE(graph.backgroundBrush().color(), LookColors::dark().canvas);
    QCOMPARE(graph.graphStyle().colors.text, LookColors::dark().text);
    QCOMPARE(chart.chart()->backgroundBrush().color(), LookColors::dark().canvas);
    QCOMPARE(chart.chart()->titleBrush().color(), LookColors::dark().text);

    themes.setTheme(Theme::Light);
    QCOMPARE(graph.backgroundBrush().color(), LookColors::light().canvas);
    QCOMPARE(chart.chart()->backgroundBrush().color(), LookColors::light().canvas);
    QCOMPARE(chart.chart()->titleBrush().color(), LookColors::light().text);
}

QTEST_MAIN(TestThemeController)
#include "tst_themecontroller.moc"

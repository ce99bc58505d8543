// SPDX-License-Identifier: Apache-2.0
#include "views/graph/GraphView.h"
#include "views/shell/ThemeController.h"
#include "views/style/ViewLook.h"
#include "views/telemetry/MetricChart.h"

#include "models/telemetry/TelemetrySeriesModel.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QSignalSpy>
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
    void graphAndChartsFollow();

private:
    QPalette m_startPalette;
};

void TestThemeController::init()
{
    // Each test starts from the same "desktop".
    if (m_startPalette == QPalette())
        m_startPalette = QApplication::palette();
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
    QCOMPARE(themes.actions().at(desktopDark ? 1 : 0)->isChecked(), true);
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
    QCOMPARE(actions.size(), 2);
    actions.at(1)->trigger();
    QCOMPARE(themes.theme(), Theme::Dark);
    QVERIFY(actions.at(1)->isChecked());
    QVERIFY(!actions.at(0)->isChecked());
    actions.at(0)->trigger();
    QCOMPARE(themes.theme(), Theme::Light);
    QVERIFY(actions.at(0)->isChecked());
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

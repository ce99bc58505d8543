// SPDX-License-Identifier: Apache-2.0
#include "views/graph/GraphView.h"
#include "views/shell/PresentationMode.h"
#include "views/style/ViewLook.h"
#include "views/telemetry/MetricChart.h"

#include "models/telemetry/TelemetrySeriesModel.h"

#include <QApplication>
#include <QChart>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QScreen>
#include <QSignalSpy>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QToolBar>
#include <QVBoxLayout>

namespace {

// A window shaped like MeshDeck's: menus, a tool bar, a status bar, pages in tabs; on the first page
// a tool bar of its own over the graph and a side panel side by side, over a chart.
struct Window {
    QMainWindow window;
    TelemetrySeriesModel series;
    QTabWidget* pages = new QTabWidget;
    QWidget* page = new QWidget;
    QToolBar* pageTools = new QToolBar;
    QSplitter* top = new QSplitter(Qt::Horizontal);
    QSplitter* main = new QSplitter(Qt::Vertical);
    GraphView* graph = new GraphView;
    QLabel* side = new QLabel(QStringLiteral("traffic"));
    MetricChart* chart = new MetricChart(&series, QStringLiteral("Requests/s"), {TelemetryMetric::RequestRate});
    QToolBar* tools = window.addToolBar(QStringLiteral("tools"));
    PresentationMode presentation{&window};

    Window()
    {
        window.menuBar()->addMenu(QStringLiteral("&Cluster"))->addAction(QStringLiteral("Switch"));
        tools->setObjectName(QStringLiteral("tools")); // saveState() names tool bars by it
        tools->addAction(QStringLiteral("Connect"));
        window.statusBar()->showMessage(QStringLiteral("connected"));
        top->addWidget(graph);
        top->addWidget(side);
        main->addWidget(top);
        main->addWidget(chart);
        pageTools->addAction(QStringLiteral("Fit"));
        auto* layout = new QVBoxLayout(page);
        layout->addWidget(pageTools);
        layout->addWidget(main);
        pages->addTab(page, QStringLiteral("Mesh"));
        pages->addTab(new QLabel(QStringLiteral("audit")), QStringLiteral("Audit"));
        window.setCentralWidget(pages);
        presentation.hidePanel(side);
        presentation.arrange(main, {3, 2});
        window.setGeometry(100, 80, 900, 600);
        window.show();
        top->setSizes({600, 300});
        main->setSizes({350, 230});
    }
};

} // namespace

class TestPresentationMode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keyEntersAndLeaves_data();
    void keyEntersAndLeaves();
    void panelHiddenBeforeStaysHidden();
    void panelOfANewPageGoesAtOnce();
};

void TestPresentationMode::keyEntersAndLeaves_data()
{
    QTest::addColumn<int>("key");
    QTest::newRow("F5") << int(Qt::Key_F5);
    QTest::newRow("F11") << int(Qt::Key_F11);
}

void TestPresentationMode::keyEntersAndLeaves()
{
    QFETCH(int, key);
    Window w;
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    const QRect geometry = w.window.geometry();
    const QList<int> topSizes = w.top->sizes();
    const QList<int> mainSizes = w.main->sizes();
    const QFont font = QApplication::font();
    const double chartLine = w.chart->chart()->titleFont().pointSizeF();
    QSignalSpy changed(&w.presentation, &PresentationMode::activeChanged);

    QTest::keyClick(&w.window, Qt::Key(key));
    QCOMPARE(changed.count(), 1);
    QVERIFY(w.presentation.isActive());
    QVERIFY(w.presentation.action()->isChecked());
    QTRY_VERIFY(w.window.isFullScreen());
    QVERIFY(w.window.menuBar()->isHidden());
    QVERIFY(w.tools->isHidden());
    QVERIFY(w.window.statusBar()->isHidden());
    QVERIFY(w.side->isHidden());
    QVERIFY(w.pageTools->isHidden());
    QVERIFY(w.pages->tabBar()->isHidden());
    QVERIFY(w.graph->isVisible());
    QVERIFY(w.chart->isVisible());
    // The graph three fifths of the height, the chart two, whatever they were before.
    QTRY_VERIFY(std::abs(w.main->sizes().at(0) * 2 - w.main->sizes().at(1) * 3) <= 10);
    QVERIFY(w.main->sizes().at(0) > mainSizes.at(0));
    QCOMPARE(QApplication::font().pointSizeF(), font.pointSizeF() * ViewLook::PresentationFontScale);
    QVERIFY(w.chart->chart()->titleFont().pointSizeF() > chartLine);
    QVERIFY(ViewLook::instance()->isPresenting());
    QCOMPARE(w.graph->graphStyle().lineScale, ViewLook::PresentationLineScale);
    QCOMPARE(w.graph->graphStyle().colors.canvas, LookColors::highContrast(false).canvas);
    QCOMPARE(w.graph->graphStyle().colors.text, QColor(Qt::black));
    // The graph grows with its zoom instead: its boxes are sized for the usual font.
    QCOMPARE(w.graph->graphStyle().font.pointSizeF(), font.pointSizeF());
    QCOMPARE(w.window.geometry(), w.window.screen()->geometry());

    // The same key leaves, with the menus hidden: the window holds the action.
    QTest::keyClick(&w.window, Qt::Key(key));
    QCOMPARE(changed.count(), 2);
    QVERIFY(!w.presentation.isActive());
    QTRY_VERIFY(!w.window.isFullScreen());
    QTRY_COMPARE(w.window.geometry(), geometry);
    QVERIFY(w.window.menuBar()->isVisible());
    QVERIFY(w.tools->isVisible());
    QVERIFY(w.window.statusBar()->isVisible());
    QVERIFY(w.side->isVisible());
    QVERIFY(w.pageTools->isVisible());
    QVERIFY(w.pages->tabBar()->isVisible());
    QTRY_COMPARE(w.top->sizes(), topSizes);
    QTRY_COMPARE(w.main->sizes(), mainSizes);
    QCOMPARE(QApplication::font(), font);
    QCOMPARE(w.chart->chart()->titleFont().pointSizeF(), chartLine);
    QVERIFY(!ViewLook::instance()->isPresenting());
    QCOMPARE(w.graph->graphStyle().lineScale, 1.0);
    QCOMPARE(w.graph->graphStyle().colors.canvas, LookColors::light().canvas);
}

void TestPresentationMode::panelHiddenBeforeStaysHidden()
{
    Window w;
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    w.window.statusBar()->hide();
    w.presentation.setActive(true);
    w.presentation.setActive(false);
    QVERIFY(w.window.statusBar()->isHidden());
    QVERIFY(w.window.menuBar()->isVisible());
}

// A context switch while presenting brings a new page: its side panel must not pop up on the
// projector, and must be there once presenting ends.
void TestPresentationMode::panelOfANewPageGoesAtOnce()
{
    Window w;
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    w.presentation.setActive(true);
    auto* newSide = new QLabel(QStringLiteral("traffic of the new context"));
    w.top->addWidget(newSide);
    w.presentation.hidePanel(newSide);
    QVERIFY(newSide->isHidden());
    w.presentation.setActive(false);
    QVERIFY(newSide->isVisible());
}

QTEST_MAIN(TestPresentationMode)
#include "tst_presentationmode.moc"

// SPDX-License-Identifier: Apache-2.0
#include "views/graph/GraphPanel.h"
#include "views/shell/ShortcutOverlay.h"

#include "models/graph/MeshGraphModel.h"

#include <QAction>
#include <QMainWindow>
#include <QTest>

class TestShortcutOverlay : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyGraphShortcutIsListed();
    void questionMarkOpensAnyKeyCloses_data();
    void questionMarkOpensAnyKeyCloses();
    void neverStale();
};

void TestShortcutOverlay::everyGraphShortcutIsListed()
{
    MeshGraphModel model;
    GraphPanel panel(&model);
    qsizetype withShortcut = 0;
    for (const QAction* action : panel.findChildren<QAction*>())
        withShortcut += action->shortcuts().isEmpty() ? 0 : 1;
    const QList<ShortcutOverlay::Entry> entries = ShortcutOverlay::collect(&panel);
    // None is left out for want of a name.
    QCOMPARE(entries.size(), withShortcut);
    QVERIFY(withShortcut >= 9);
    const auto has = [&entries](const QString& keys, const QString& description) {
        return std::any_of(entries.cbegin(), entries.cend(), [&](const ShortcutOverlay::Entry& e) {
            return e.keys == keys && e.description == description;
        });
    };
    QVERIFY(has(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText), QStringLiteral("Find node")));
    QVERIFY(has(QStringLiteral("Esc"), QStringLiteral("Show all nodes")));
    QVERIFY(has(QStringLiteral("0"), QStringLiteral("Fit")));
    QVERIFY(has(QStringLiteral("Ctrl+E"), QStringLiteral("Export"))); // no mnemonic, no ellipsis
}

void TestShortcutOverlay::questionMarkOpensAnyKeyCloses_data()
{
    QTest::addColumn<int>("key");
    QTest::newRow("?") << int(Qt::Key_Question);
    QTest::newRow("F1") << int(Qt::Key_F1);
}

void TestShortcutOverlay::questionMarkOpensAnyKeyCloses()
{
    QFETCH(int, key);
    QMainWindow window;
    MeshGraphModel model;
    window.setCentralWidget(new GraphPanel(&model));
    ShortcutOverlay overlay(&window);
    window.resize(800, 500);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QTest::keyClick(&window, Qt::Key(key));
    QVERIFY(overlay.isVisible());
    QCOMPARE(overlay.geometry(), window.rect());
    QVERIFY(overlay.text().contains(u"Show all nodes"));
    QVERIFY(overlay.text().contains(u"Keyboard shortcuts")); // lists itself too
    QTRY_VERIFY(overlay.hasFocus());
    QTest::keyClick(&overlay, Qt::Key_A);
    QVERIFY(!overlay.isVisible());
}

void TestShortcutOverlay::neverStale()
{
    QMainWindow window;
    ShortcutOverlay overlay(&window);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* reload = new QAction(QStringLiteral("&Reload"), &window);
    reload->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    window.addAction(reload);
    overlay.open();
    QVERIFY(overlay.text().contains(u"Ctrl+R"));
    QVERIFY(overlay.text().contains(u"Reload"));

    reload->setShortcut(QKeySequence(Qt::Key_F9));
    overlay.open();
    QVERIFY(!overlay.text().contains(u"Ctrl+R"));
    QVERIFY(overlay.text().contains(u"F9"));
}

QTEST_MAIN(TestShortcutOverlay)
#include "tst_shortcutoverlay.moc"

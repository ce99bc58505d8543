// SPDX-License-Identifier: Apache-2.0
#include "TopologyFixture.h"

#include "UnreachableCluster.h"

#include "views/traffic/TrafficPanel.h"

#include "models/session/ClusterSession.h"
#include "models/traffic/TrafficSplitModel.h"
#include "models/traffic/TrafficSplitWriter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTest>

class TestTrafficPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneSliderPerSubset();
    void followsTheCluster();
    void failedWriteReturnsToClusterState();
    void locksKeepTheirShare();
    void canaryStepsAndEvenly();
    void bigMovesAskFirst();
    void previewShowsTheChangeAsYaml();
    void mouseDragRebalancesThenSends();
    void numericEntrySends();
    void blueGreenSwitchAndBack();
    void readOnlyWithoutPermission();
};

namespace {


struct Fixture {
    ClusterSession session{unreachableCluster()};
    TrafficSplitModel model;
    TrafficSplitWriter writer{&session, nullptr};
    TrafficPanel panel{&model, &writer};

    int confirmations = 0;
    bool answer = true;
    QList<DiffLine> lastDiff;

    Fixture()
    {
        panel.setConfirmation([this](const QString&, const QList<DiffLine>& diff) {
            ++confirmations;
            lastDiff = diff;
            return answer;
        });
        model.setTopology(bookinfoTopology(weightedRoute({{"v1", 80}, {"v2", 20}})));
        model.setService(QStringLiteral("reviews"));
        panel.show();
    }
    QList<int> sliderValues() const
    {
        QList<int> values;
        for (int i = 0; i < panel.sliderCount(); ++i)
            values.append(panel.slider(i)->value());
        return values;
    }
};

} // namespace

void TestTrafficPanel::oneSliderPerSubset()
{
    Fixture f;
    QCOMPARE(f.panel.sliderCount(), 3);
    QCOMPARE(f.sliderValues(), (QList<int>{80, 20, 0}));
    QCOMPARE(f.panel.spinBox(0)->value(), 80);
    QCOMPARE(f.panel.spinBox(1)->value(), 20);
    QVERIFY(f.panel.statusText().contains(QStringLiteral("VirtualService reviews")));
}

void TestTrafficPanel::followsTheCluster()
{
    Fixture f;
    QSlider* first = f.panel.slider(0);
    f.model.setTopology(bookinfoTopology(weightedRoute({{"v1", 50}, {"v2", 25}, {"v3", 25}})));
    QCOMPARE(f.sliderValues(), (QList<int>{50, 25, 25}));
    QCOMPARE(f.panel.slider(0), first); // updated in place, not rebuilt

    // While the operator holds a slider, a refresh must not move it.
    first->setSliderDown(true);
    Q_EMIT first->sliderPressed();
    f.model.setTopology(bookinfoTopology(weightedRoute({{"v1", 10}, {"v2", 90}})));
    QCOMPARE(first->value(), 50);
}

void TestTrafficPanel::failedWriteReturnsToClusterState()
{
    Fixture f;
    QSignalSpy applying(&f.writer, &TrafficSplitWriter::applyingChanged);
    QSignalSpy failed(&f.writer, &TrafficSplitWriter::failed);

    // Keyboard: End moves v2 to 100 %, which rebalances the others to 0 and sends the change.
    f.panel.slider(1)->setFocus();
    QTest::keyClick(f.panel.slider(1), Qt::Key_End);
    QCOMPARE(f.sliderValues(), (QList<int>{0, 100, 0}));
    QCOMPARE(f.confirmations, 1); // 80 % of the traffic moves at once
    QTRY_COMPARE(applying.count(), 1);
    QCOMPARE(f.panel.statusText(), QStringLiteral("Applying…"));

    // The server is unreachable: nothing changed in the cluster, so the sliders go back.
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
    QVERIFY(f.panel.statusText().startsWith(QStringLiteral("Not applied")));
    QCOMPARE(f.sliderValues(), (QList<int>{80, 20, 0}));
}

void TestTrafficPanel::locksKeepTheirShare()
{
    Fixture f;
    f.model.setTopology(bookinfoTopology(weightedRoute({{"v1", 60}, {"v2", 30}, {"v3", 10}})));
    QTest::mouseClick(f.panel.lockButton(2), Qt::LeftButton);
    QVERIFY(!f.panel.slider(2)->isEnabled());
    // v1 to 70: v3 is locked at 10, so v2 takes what is left.
    f.panel.slider(0)->setValue(70);
    QCOMPARE(f.sliderValues(), (QList<int>{70, 20, 10}));
    // v1 cannot take more than the lock leaves.
    f.panel.slider(0)->setValue(100);
    QCOMPARE(f.sliderValues(), (QList<int>{90, 0, 10}));
}

void TestTrafficPanel::canaryStepsAndEvenly()
{
    Fixture f;
    // The target defaults to a version that is not live: v2 (v1 carries 80 %).
    QCOMPARE(f.panel.targetChooser()->currentText(), QStringLiteral("v2"));
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("25 %")), Qt::LeftButton);
    QCOMPARE(f.sliderValues(), (QList<int>{75, 25, 0}));
    QTRY_VERIFY(f.panel.statusText().startsWith(QStringLiteral("Not applied"))); // the server is unreachable
    QCOMPARE(f.sliderValues(), (QList<int>{80, 20, 0}));

    QTest::mouseClick(f.panel.actionButton(QStringLiteral("Evenly")), Qt::LeftButton);
    QCOMPARE(f.sliderValues(), (QList<int>{34, 33, 33}));
}

void TestTrafficPanel::bigMovesAskFirst()
{
    Fixture f;
    f.answer = false;
    QSignalSpy applying(&f.writer, &TrafficSplitWriter::applyingChanged);
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("Promote")), Qt::LeftButton);
    QCOMPARE(f.confirmations, 1);
    QCOMPARE(applying.count(), 0);
    QVERIFY(f.panel.statusText().contains(QStringLiteral("cancelled")));
    QCOMPARE(f.sliderValues(), (QList<int>{80, 20, 0}));
    // A small step does not ask.
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("5 %")), Qt::LeftButton);
    QCOMPARE(f.confirmations, 1);
    QCOMPARE(applying.count(), 1);
}

void TestTrafficPanel::previewShowsTheChangeAsYaml()
{
    Fixture f;
    f.panel.applyWhileDraggingBox()->setChecked(true);
    f.panel.previewChangesBox()->setChecked(true);
    QVERIFY(!f.panel.applyWhileDraggingBox()->isChecked()); // one or the other

    // With preview on, even a small step is shown first, as the VirtualService's YAML would change.
    f.answer = false;
    QSignalSpy applying(&f.writer, &TrafficSplitWriter::applyingChanged);
    f.panel.targetChooser()->setCurrentText(QStringLiteral("v2"));
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("25 %")), Qt::LeftButton);
    QCOMPARE(f.confirmations, 1);
    QStringList changed;
    for (const DiffLine& line : std::as_const(f.lastDiff)) {
        if (line.kind != DiffLine::Kind::Same)
            changed.append((line.kind == DiffLine::Kind::Added ? u'+' : u'-') + line.text.trimmed());
    }
    QCOMPARE(changed, (QStringList{QStringLiteral("-weight: 80"), QStringLiteral("+weight: 75"),
                                   QStringLiteral("-weight: 20"), QStringLiteral("+weight: 25")}));
    QCOMPARE(applying.count(), 0); // cancelled: nothing sent
    QVERIFY(f.panel.statusText().contains(QStringLiteral("cancelled")));

    // Accepted, it is sent.
    f.answer = true;
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("25 %")), Qt::LeftButton);
    QCOMPARE(f.confirmations, 2);
    QCOMPARE(applying.count(), 1);
}

void TestTrafficPanel::mouseDragRebalancesThenSends()
{
    Fixture f;
    QSignalSpy applying(&f.writer, &TrafficSplitWriter::applyingChanged);
    QSlider* v2 = f.panel.slider(1);
    QStyleOptionSlider option;
    option.initFrom(v2);
    option.orientation = Qt::Horizontal;
    option.minimum = v2->minimum();
    option.maximum = v2->maximum();
    option.sliderPosition = v2->value();
    option.sliderValue = v2->value();
    const QRect handle = v2->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, v2);
    const QRect groove = v2->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, v2);

    // Grab v2's handle at 20 % and drag it about a fifth of the groove to the right.
    QTest::mousePress(v2, Qt::LeftButton, {}, handle.center());
    QTest::mouseMove(v2, handle.center() + QPoint(groove.width() / 5, 0));
    QVERIFY2(v2->value() > 30 && v2->value() < 50, qPrintable(QString::number(v2->value())));
    // While dragging the others make room, in proportion, and nothing is sent yet.
    QCOMPARE(f.panel.slider(0)->value(), 100 - v2->value());
    QCOMPARE(applying.count(), 0);
    QTest::mouseRelease(v2, Qt::LeftButton, {}, handle.center() + QPoint(groove.width() / 5, 0));
    QCOMPARE(applying.count(), 1); // sent on release
    QCOMPARE(f.confirmations, 0);  // a move of less than half asks nothing
}

void TestTrafficPanel::numericEntrySends()
{
    Fixture f;
    QSignalSpy applying(&f.writer, &TrafficSplitWriter::applyingChanged);
    QSpinBox* v3 = f.panel.spinBox(2);
    v3->setFocus();
    v3->selectAll();
    QTest::keyClicks(v3, QStringLiteral("10"));
    QTest::keyClick(v3, Qt::Key_Return);
    QCOMPARE(f.sliderValues(), (QList<int>{72, 18, 10}));
    QCOMPARE(applying.count(), 1);
}

void TestTrafficPanel::blueGreenSwitchAndBack()
{
    Fixture f;
    f.model.setTopology(bookinfoTopology(weightedRoute({{"v1", 100}})));
    QVERIFY(!f.panel.actionButton(QStringLiteral("Switch back"))->isEnabled());
    f.panel.targetChooser()->setCurrentText(QStringLiteral("v2"));
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("Switch")), Qt::LeftButton);
    QCOMPARE(f.confirmations, 1); // everything moves at once
    QCOMPARE(f.sliderValues(), (QList<int>{0, 100, 0}));
    // The cluster reports v2 live: switching back is offered and goes to v1.
    f.model.setTopology(bookinfoTopology(weightedRoute({{"v2", 100}})));
    QVERIFY(f.panel.actionButton(QStringLiteral("Switch back"))->isEnabled());
    QTest::mouseClick(f.panel.actionButton(QStringLiteral("Switch back")), Qt::LeftButton);
    QCOMPARE(f.confirmations, 2);
    QCOMPARE(f.sliderValues(), (QList<int>{100, 0, 0}));
}

void TestTrafficPanel::readOnlyWithoutPermission()
{
    Fixture f;
    const QString reason = QStringLiteral("User \"meshdeck-viewer\" cannot patch resource \"virtualservices\"");
    f.panel.setWriteAccess(false, reason);
    for (int i = 0; i < f.panel.sliderCount(); ++i) {
        QVERIFY(!f.panel.slider(i)->isEnabled());
        QVERIFY(!f.panel.spinBox(i)->isEnabled());
        QCOMPARE(f.panel.slider(i)->toolTip(), reason);
    }
    QVERIFY(!f.panel.actionButton(QStringLiteral("Promote"))->isEnabled());
    QCOMPARE(f.panel.statusText(), QStringLiteral("Read-only: ") + reason);
    // The split is still shown as the cluster has it.
    QCOMPARE(f.sliderValues(), (QList<int>{80, 20, 0}));
    // Rows rebuilt for another service stay read-only.
    f.model.setService(QStringLiteral("ratings"));
    f.model.setService(QStringLiteral("reviews"));
    QVERIFY(!f.panel.slider(0)->isEnabled());

    f.panel.setWriteAccess(true);
    QVERIFY(f.panel.slider(0)->isEnabled());
    QVERIFY(f.panel.actionButton(QStringLiteral("Promote"))->isEnabled());
}

QTEST_MAIN(TestTrafficPanel)
#include "tst_trafficpanel.moc"

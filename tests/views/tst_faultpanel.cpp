// SPDX-License-Identifier: Apache-2.0
// The fault panel on the real demo cluster (with its Prometheus, which the runner asks about the
// blast radius): istiod's rules follow the inputs and block Start, a namespace without the opt-in
// label is refused with the command that opts it in, more than half of the requests asks first (in
// a dialog whose default is Cancel), a started experiment counts down and Stop reverts it, "Halt
// all" reverts everything, and a viewer gets a read-only panel that says why.
#include "DemoClusterProcess.h"

#include "views/faults/ExperimentBanner.h"
#include "views/faults/ExperimentList.h"
#include "views/faults/FaultForm.h"
#include "views/faults/FaultPanel.h"
#include "views/faults/GuardEditor.h"
#include "views/pages/MeshPage.h"

#include "MainWindow.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentWatcher.h"
#include "models/faults/ExperimentRunner.h"
#include "models/session/ClusterSession.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

class TestFaultPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rulesFollowTheInputs_data();
    void rulesFollowTheInputs();
    void namespaceWithoutOptInIsRefused();
    void confirmationAskedAboveHalf_data();
    void confirmationAskedAboveHalf();
    void defaultDialogDefaultsToCancel();
    void countdownAndStop();
    void haltAllRevertsEverything();
    void viewerGetsAReadOnlyPanel();
    void quittingAsksAndRevertsByDefault_data();
    void quittingAsksAndRevertsByDefault();
    void cleanupTestCase();

private:

    std::unique_ptr<DemoClusterProcess> m_cluster;
};

namespace {

struct Fixture {
    std::unique_ptr<ClusterSession> session;
    QTemporaryDir dir;
    AuditLog audit{dir.filePath(QStringLiteral("audit.jsonl"))};
    ExperimentRegistry registry;
    ExperimentWatcher watcher;
    ExperimentRunner runner;
    FaultPanel panel;
    int asked = 0;
    QStringList lastConfirmations;
    bool confirm = true;

    explicit Fixture(std::unique_ptr<ClusterSession> s)
        : session(std::move(s))
        , watcher(session.get(), &registry)
        , runner(session.get(), &audit, &registry)
        , panel(&registry, &runner)
    {
        panel.setConfirmation([this](const QStringList& confirmations) {
            ++asked;
            lastConfirmations = confirmations;
            return confirm;
        });
        panel.setService(QStringLiteral("bookinfo"), QStringLiteral("ratings"));
        panel.setGuardServices({QStringLiteral("productpage"), QStringLiteral("ratings")}, QStringLiteral("productpage"));
        panel.show();
    }
    ~Fixture()
    {
        // Nothing a test started outlives it.
        runner.revertAllBlocking(10000);
    }
    void setNumber(QSpinBox* spin, int value)
    {
        spin->selectAll();
        QTest::keyClicks(spin, QString::number(value));
        QCOMPARE(spin->value(), value);
    }
    void setPercentage(double value)
    {
        QDoubleSpinBox* spin = panel.form()->percentage();
        spin->selectAll();
        QTest::keyClicks(spin, QString::number(value));
        QCOMPARE(spin->value(), value);
    }
};

} // namespace

void TestFaultPanel::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestFaultPanel::cleanupTestCase()
{
    m_cluster.reset();
}


void TestFaultPanel::rulesFollowTheInputs_data()
{
    QTest::addColumn<int>("kind");  // FaultForm's kind chooser: 0 delay, 1 abort
    QTest::addColumn<int>("value"); // the delay (ms) or the HTTP status
    QTest::addColumn<int>("scope"); // 0 all traffic, 1 one route, 2 header
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("problem"); // empty: Start is offered
    QTest::newRow("delay 0 ms") << 0 << 0 << 0 << QString() << QStringLiteral("at least 1 ms");
    QTest::newRow("delay 1 ms") << 0 << 1 << 0 << QString() << QString();
    QTest::newRow("status 150") << 1 << 150 << 0 << QString() << QStringLiteral("between 200 and 600");
    QTest::newRow("status 601") << 1 << 601 << 0 << QString() << QStringLiteral("between 200 and 600");
    QTest::newRow("status 503") << 1 << 503 << 0 << QString() << QString();
    QTest::newRow("no status") << 1 << 0 << 0 << QString() << QStringLiteral("exactly one of");
    QTest::newRow("route, none named") << 0 << 500 << 1 << QString() << QStringLiteral("route's name");
    QTest::newRow("header without value") << 0 << 500 << 2 << QStringLiteral("end-user")
                                          << QStringLiteral("header name and value");
    QTest::newRow("header upper case") << 0 << 500 << 2 << QStringLiteral("End-User=jason") << QStringLiteral("lower case");
    QTest::newRow("header end-user=jason") << 0 << 500 << 2 << QStringLiteral("end-user=jason") << QString();
}

void TestFaultPanel::rulesFollowTheInputs()
{
    QFETCH(int, kind);
    QFETCH(int, value);
    QFETCH(int, scope);
    QFETCH(QString, header);
    QFETCH(QString, problem);
    Fixture f(m_cluster->session("meshdeck-demo"));
    FaultForm* form = f.panel.form();
    QVERIFY(f.panel.problemsText().isEmpty()); // the defaults are a valid fault
    QTRY_VERIFY(f.panel.startButton()->isEnabled());

    form->kindChooser()->setCurrentIndex(kind);
    if (kind == 0) {
        form->delayUnit()->setCurrentIndex(form->delayUnit()->findText(QStringLiteral("ms")));
        f.setNumber(form->delayValue(), value);
    } else {
        f.setNumber(form->httpStatus(), value);
    }
    form->scopeChooser()->setCurrentIndex(scope);
    if (!header.isEmpty()) {
        QTest::keyClicks(form->headerName(), header.section(u'=', 0, 0));
        QTest::keyClicks(form->headerValue(), header.section(u'=', 1));
    }
    if (problem.isEmpty()) {
        QVERIFY2(f.panel.problemsText().isEmpty(), qPrintable(f.panel.problemsText()));
        QVERIFY(f.panel.startButton()->isEnabled());
    } else {
        QVERIFY2(f.panel.problemsText().contains(problem), qPrintable(f.panel.problemsText()));
        QVERIFY(!f.panel.startButton()->isEnabled());
        // A click on the disabled button does nothing.
        QSignalSpy started(&f.runner, &ExperimentRunner::started);
        QTest::mouseClick(f.panel.startButton(), Qt::LeftButton);
        QCOMPARE(f.panel.statusText(), QString());
    }

    // Back to a fault istiod accepts: the message goes and Start comes back.
    form->scopeChooser()->setCurrentIndex(0);
    form->kindChooser()->setCurrentIndex(0);
    f.setNumber(form->delayValue(), 5);
    QVERIFY2(f.panel.problemsText().isEmpty(), qPrintable(f.panel.problemsText()));
    QVERIFY(f.panel.startButton()->isEnabled());

    // A route of the service's VirtualService can be chosen once it has named ones.
    form->scopeChooser()->setCurrentIndex(1);
    QVERIFY(!f.panel.startButton()->isEnabled());
    f.panel.setRoutes({QStringLiteral("ratings-v1")});
    QVERIFY(f.panel.startButton()->isEnabled());
    QCOMPARE(form->spec().routeName, QStringLiteral("ratings-v1"));
}

void TestFaultPanel::namespaceWithoutOptInIsRefused()
{
    Fixture f(m_cluster->session("meshdeck-demo"));
    f.panel.setService(QStringLiteral("default"), QStringLiteral("ratings"));
    QSignalSpy started(&f.runner, &ExperimentRunner::started);
    QTRY_VERIFY(f.panel.startButton()->isEnabled());
    QTest::mouseClick(f.panel.startButton(), Qt::LeftButton);
    const QString optIn = QStringLiteral("kubectl label namespace default meshdeck.io/chaos=enabled");
    QTRY_VERIFY2_WITH_TIMEOUT(f.panel.statusText().contains(optIn), qPrintable(f.panel.statusText()), 15000);
    // The operator can select the command to copy it.
    const auto labels = f.panel.findChildren<QLabel*>();
    const auto status =
        std::find_if(labels.cbegin(), labels.cend(), [&](const QLabel* l) { return l->text() == f.panel.statusText(); });
    QVERIFY(status != labels.cend());
    QVERIFY((*status)->textInteractionFlags() & Qt::TextSelectableByMouse);
    QCOMPARE(f.asked, 0);
    QCOMPARE(started.count(), 0);
    QVERIFY(f.panel.startButton()->isEnabled()); // after opting in, the operator tries again
}

void TestFaultPanel::confirmationAskedAboveHalf_data()
{
    QTest::addColumn<double>("percentage");
    QTest::addColumn<bool>("accept");
    QTest::addColumn<bool>("asked");
    QTest::addColumn<bool>("starts");
    QTest::newRow("50 %") << 50.0 << false << false << true;
    QTest::newRow("80 %, declined") << 80.0 << false << true << false;
    QTest::newRow("80 %, accepted") << 80.0 << true << true << true;
}

void TestFaultPanel::confirmationAskedAboveHalf()
{
    QFETCH(double, percentage);
    QFETCH(bool, accept);
    QFETCH(bool, asked);
    QFETCH(bool, starts);
    Fixture f(m_cluster->session("meshdeck-demo"));
    QTRY_VERIFY_WITH_TIMEOUT(f.registry.isSynced(), 15000);
    f.confirm = accept;
    f.setPercentage(percentage);
    QSignalSpy started(&f.runner, &ExperimentRunner::started);
    QSignalSpy failed(&f.runner, &ExperimentRunner::failed);
    QTest::mouseClick(f.panel.startButton(), Qt::LeftButton);
    QVERIFY(!f.panel.startButton()->isEnabled()); // one assessment at a time
    if (starts) {
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 15000);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(f.panel.statusText(), QStringLiteral("Not started."), 15000);
    }
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    const bool askedAboutHalf = f.lastConfirmations.join(u'\n').contains(QStringLiteral("more than half"));
    QCOMPARE(askedAboutHalf, asked);
    QCOMPARE(f.asked > 0, asked); // ratings is no service every request depends on
    if (starts) {
        const Experiment e = started.first().first().value<Experiment>();
        QCOMPARE(e.fault.percentage, percentage);
        QCOMPARE(e.service, QStringLiteral("ratings"));
        QTRY_COMPARE_WITH_TIMEOUT(f.panel.experimentList()->rowCount(), 1, 15000);
    } else {
        QCOMPARE(started.count(), 0);
        QCOMPARE(f.registry.rowCount(), 0);
    }
}

void TestFaultPanel::defaultDialogDefaultsToCancel()
{
    Fixture f(m_cluster->session("meshdeck-demo"));
    FaultPanel panel(&f.registry, &f.runner);
    panel.setService(QStringLiteral("bookinfo"), QStringLiteral("ratings"));
    panel.show();
    QDoubleSpinBox* spin = panel.form()->percentage();
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("90"));
    QSignalSpy started(&f.runner, &ExperimentRunner::started);
    QString dialogText;
    bool cancelIsDefault = false;
    QTimer poll;
    poll.setInterval(50);
    connect(&poll, &QTimer::timeout, &poll, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        poll.stop();
        dialogText = box->informativeText();
        cancelIsDefault = box->defaultButton() == box->button(QMessageBox::Cancel);
        QTest::keyClick(box, Qt::Key_Return); // Enter takes the default
    });
    poll.start();
    QTest::mouseClick(panel.startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(panel.statusText(), QStringLiteral("Not started."), 15000);
    QVERIFY2(dialogText.contains(QStringLiteral("more than half")), qPrintable(dialogText));
    QVERIFY(cancelIsDefault);
    QCOMPARE(started.count(), 0);
}

void TestFaultPanel::countdownAndStop()
{
    Fixture f(m_cluster->session("meshdeck-demo"));
    QTRY_VERIFY_WITH_TIMEOUT(f.registry.isSynced(), 15000);
    f.panel.form()->durationUnit()->setCurrentIndex(f.panel.form()->durationUnit()->findText(QStringLiteral("min")));
    QSignalSpy started(&f.runner, &ExperimentRunner::started);
    QSignalSpy reverted(&f.runner, &ExperimentRunner::reverted);
    QTest::mouseClick(f.panel.startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 15000);
    const Experiment e = started.first().first().value<Experiment>();
    QCOMPARE(e.expiresAt.toSecsSinceEpoch() - e.startedAt.toSecsSinceEpoch(), 300); // the default 5 minutes
    QVERIFY2(f.panel.statusText().startsWith(QStringLiteral("Started ")), qPrintable(f.panel.statusText()));
    ExperimentList* list = f.panel.experimentList();
    QTRY_COMPARE_WITH_TIMEOUT(list->rowCount(), 1, 15000);
    QCOMPARE(list->rowId(0), e.id);

    // The countdown moves every second.
    const QString before = list->rowText(0);
    QVERIFY2(before.contains(QStringLiteral("left")), qPrintable(before));
    QTRY_VERIFY_WITH_TIMEOUT(list->rowText(0) != before, 5000);

    // Another service's panel does not list it.
    FaultPanel details(&f.registry, &f.runner);
    details.setService(QStringLiteral("bookinfo"), QStringLiteral("details"));
    QCOMPARE(details.experimentList()->rowCount(), 0);

    // Stop reverts it through the runner; the row leaves once the cluster reports the revert.
    QTest::mouseClick(list->stopButton(0), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(reverted.count(), 1, 15000);
    QCOMPARE(reverted.first().at(0).value<Experiment>().id, e.id);
    QCOMPARE(reverted.first().at(1).toString(), QStringLiteral("stopped"));
    QTRY_COMPARE_WITH_TIMEOUT(list->rowCount(), 0, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(f.panel.statusText().startsWith(QStringLiteral("Reverted ")), 5000);
}

void TestFaultPanel::haltAllRevertsEverything()
{
    Fixture f(m_cluster->session("meshdeck-demo"));
    QTRY_VERIFY_WITH_TIMEOUT(f.registry.isSynced(), 15000);
    ExperimentBanner banner(&f.registry, &f.runner);
    QSignalSpy started(&f.runner, &ExperimentRunner::started);
    QSignalSpy reverted(&f.runner, &ExperimentRunner::reverted);
    QTest::mouseClick(f.panel.startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 15000);
    f.panel.setService(QStringLiteral("bookinfo"), QStringLiteral("details"));
    f.panel.form()->kindChooser()->setCurrentIndex(1); // abort 503
    QTRY_VERIFY(f.panel.startButton()->isEnabled());
    QTest::mouseClick(f.panel.startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 2, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(banner.list()->rowCount(), 2, 15000);
    QVERIFY(!banner.isHidden());

    QTest::mouseClick(banner.haltAllButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(reverted.count(), 2, 15000);
    for (const QList<QVariant>& r : std::as_const(reverted))
        QCOMPARE(r.at(1).toString(), QStringLiteral("halted"));
    QTRY_COMPARE_WITH_TIMEOUT(banner.list()->rowCount(), 0, 15000);
    QVERIFY(banner.isHidden());
    // Both starts and both reverts are in the audit log, as the charts read them.
    int starts = 0;
    int reverts = 0;
    for (int row = 0; row < f.audit.rowCount(); ++row) {
        starts += f.audit.entry(row).action == QStringLiteral("fault started");
        reverts += f.audit.entry(row).action == QStringLiteral("fault reverted");
    }
    QCOMPARE(starts, 2);
    QCOMPARE(reverts, 2);
}

void TestFaultPanel::viewerGetsAReadOnlyPanel()
{
    auto viewer = m_cluster->session("meshdeck-demo-viewer");
    QVERIFY(viewer);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(viewer.get(), &audit);
    page.show();
    page.selectService(QStringLiteral("ratings"));
    FaultPanel* panel = page.faultPanel();
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isWritable(), 15000);
    QVERIFY(!panel->startButton()->isEnabled());
    QVERIFY(!panel->form()->isEnabled());
    QVERIFY(!panel->guardEditor()->isEnabled());
    QVERIFY2(panel->statusText().startsWith(QStringLiteral("Read-only:")), qPrintable(panel->statusText()));
    QVERIFY2(panel->statusText().contains(QStringLiteral("may not patch VirtualServices in namespace bookinfo")),
             qPrintable(panel->statusText()));
}

void TestFaultPanel::quittingAsksAndRevertsByDefault_data()
{
    QTest::addColumn<QString>("answer"); // the button pressed; empty: Enter, the default
    QTest::addColumn<bool>("closes");
    QTest::addColumn<bool>("reverts");
    QTest::newRow("default: revert") << QString() << true << true;
    QTest::newRow("keep running") << QStringLiteral("Keep running") << true << false;
    QTest::newRow("cancel") << QStringLiteral("Cancel") << false << false;
}

void TestFaultPanel::quittingAsksAndRevertsByDefault()
{
    QFETCH(QString, answer);
    QFETCH(bool, closes);
    QFETCH(bool, reverts);
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    QVERIFY(window.openKubeconfig(m_cluster->kubeconfigPath()));
    QVERIFY(window.connectTo({}, QStringLiteral("bookinfo")));
    window.show();
    MeshPage* page = window.meshPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->experimentRegistry()->isSynced(), 15000);
    page->selectService(QStringLiteral("ratings"));
    FaultPanel* panel = page->faultPanel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->isWritable() && panel->startButton()->isEnabled(), 15000);
    ExperimentRunner* runner = page->experimentRunner();
    QSignalSpy started(runner, &ExperimentRunner::started);
    QSignalSpy reverted(runner, &ExperimentRunner::reverted);
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 15000);
    const Experiment e = started.first().first().value<Experiment>();
    // The banner above the pages and "Halt all experiments" follow the registry.
    QTRY_VERIFY_WITH_TIMEOUT(window.experimentBanner()->isVisibleTo(&window), 15000);
    QVERIFY(window.haltAllAction()->isEnabled());
    QCOMPARE(window.haltAllAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));

    QString question;
    QString defaultButton;
    QTimer poll;
    poll.setInterval(50);
    connect(&poll, &QTimer::timeout, &poll, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        poll.stop();
        question = box->text();
        defaultButton = box->defaultButton() ? box->defaultButton()->text() : QString();
        if (answer.isEmpty()) {
            QTest::keyClick(box, Qt::Key_Return);
            return;
        }
        for (QAbstractButton* button : box->buttons()) {
            if (button->text().remove(u'&') == answer)
                button->click();
        }
    });
    poll.start();
    QCOMPARE(window.close(), closes);
    QCOMPARE(question, QStringLiteral("1 fault experiment is running."));
    QCOMPARE(defaultButton, QStringLiteral("Revert them"));
    if (reverts) {
        // Reverted before the window closed: revertAllBlocking waited for the cluster's answer.
        QCOMPARE(reverted.count(), 1);
        QCOMPARE(reverted.first().at(0).value<Experiment>().id, e.id);
        QVERIFY(runner->ownExperiments().isEmpty());
    } else {
        QCOMPARE(reverted.count(), 0);
        QCOMPARE(runner->ownExperiments(), QStringList{e.id});
        runner->stop(e.id); // the next case starts from a clean ratings
        QTRY_COMPARE_WITH_TIMEOUT(reverted.count(), 1, 15000);
    }
}

QTEST_MAIN(TestFaultPanel)
#include "tst_faultpanel.moc"

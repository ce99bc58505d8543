// SPDX-License-Identifier: Apache-2.0
#include "MainWindow.h"

#include "views/audit/AuditPage.h"
#include "views/connect/ActivityIndicator.h"
#include "views/connect/ConnectionStatus.h"
#include "views/connect/ContextPickerDialog.h"
#include "views/connect/ContextSwitcher.h"
#include "views/connect/WelcomePage.h"
#include "views/faults/ExperimentBanner.h"
#include "views/pages/MeshPage.h"
#include "views/shell/WindowShell.h"
#include "views/shell/WindowStateStore.h"

#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentRunner.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/AccessRestrictions.h"
#include "models/session/ClusterSession.h"
#include "models/session/ContextCatalog.h"
#include "models/session/DemoClusterLauncher.h"
#include "models/session/ReachabilityProbe.h"

#include <QAction>
#include <QCloseEvent>
#include <QInputDialog>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace {
constexpr int ReprobeMs = 10000;
// Reverting on quit waits this long at most; what is left reverts at its expiry (any MeshDeck reaps).
constexpr int RevertOnQuitMs = 10000;
} // namespace

MainWindow::MainWindow(AuditLog* audit, QWidget* parent)
    : QMainWindow(parent)
    , m_audit(audit)
    , m_catalog(new ContextCatalog(this))
    , m_stack(new QStackedWidget(this))
    , m_welcome(new WelcomePage(m_stack))
    , m_pages(new QTabWidget(m_stack))
    , m_auditPage(new AuditPage(audit, m_pages))
    , m_sessionArea(new QVBoxLayout)
    , m_haltAll(new QAction(tr("&Halt all experiments"), this))
    , m_prometheusUrlAction(new QAction(tr("Set &Prometheus URL…"), this))
    , m_connectionBar(new QToolBar(tr("Connection"), this))
    , m_switcher(new ContextSwitcher(m_catalog, m_connectionBar))
    , m_status(new ConnectionStatus(this))
    , m_activity(new ActivityIndicator(this))
    , m_demo(new DemoClusterLauncher(this))
{
    setWindowTitle(tr("MeshDeck"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_auditPage, tr("&Audit"));
    m_stack->addWidget(m_welcome);
    // The pages, with the session's fault-experiment banner above them.
    auto* sessionArea = new QWidget(m_stack);
    sessionArea->setLayout(m_sessionArea);
    m_sessionArea->setContentsMargins(0, 0, 0, 0);
    m_sessionArea->setSpacing(0);
    m_sessionArea->addWidget(m_pages);
    m_stack->addWidget(sessionArea);
    setCentralWidget(m_stack);
    m_connectionBar->setObjectName(QStringLiteral("connection"));
    m_connectionBar->addWidget(m_switcher);
    addToolBar(m_connectionBar);
    statusBar()->addWidget(m_activity);
    statusBar()->addPermanentWidget(m_status);

    QMenu* cluster = menuBar()->addMenu(tr("&Cluster"));
    QAction* pick = cluster->addAction(tr("Switch &context…"), this, &MainWindow::openContextPicker);
    pick->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    cluster->addAction(tr("&Open a kubeconfig…"), m_welcome, [this] { m_welcome->openKubeconfigButton()->click(); })
        ->setShortcut(QKeySequence::Open);
    cluster->addAction(tr("Start the &demo cluster"), this, &MainWindow::startDemoCluster);
    cluster->addAction(tr("&Disconnect"), this, [this] { showWelcome(); });
    m_prometheusUrlAction->setToolTip(tr("Query a Prometheus you can reach (a port-forward, an ingress) instead of the "
                                         "one behind the API server's service proxy"));
    m_prometheusUrlAction->setEnabled(false);
    connect(m_prometheusUrlAction, &QAction::triggered, this, &MainWindow::askPrometheusUrl);
    connect(m_status, &ConnectionStatus::prometheusUrlRequested, m_prometheusUrlAction, &QAction::trigger);
    cluster->addAction(m_prometheusUrlAction);
    cluster->addSeparator();
    m_haltAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
    m_haltAll->setToolTip(tr("Revert every fault experiment MeshDeck started in this context (%1)")
                              .arg(m_haltAll->shortcut().toString(QKeySequence::NativeText)));
    m_haltAll->setEnabled(false);
    connect(m_haltAll, &QAction::triggered, this, [this] {
        if (m_meshPage)
            m_meshPage->experimentRunner()->haltAll();
    });
    cluster->addAction(m_haltAll);
    m_connectionBar->addAction(m_haltAll);
    cluster->addSeparator();
    cluster->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    connect(m_switcher, &ContextSwitcher::switchRequested, this,
            [this](const QString& context, const QString& ns) { connectTo(context, ns); });
    connect(m_switcher, &ContextSwitcher::pickerRequested, this, &MainWindow::openContextPicker);
    connect(m_welcome, &WelcomePage::startDemoRequested, this, &MainWindow::startDemoCluster);
    connect(m_welcome, &WelcomePage::kubeconfigChosen, this, [this](const QString& path) {
        if (openKubeconfig(path))
            connectTo({});
    });
    connect(m_welcome, &WelcomePage::cancelRequested, m_demo, &DemoClusterLauncher::stop);
    connect(m_activity, &ActivityIndicator::cancelRequested, this,
            [this] { showWelcome(tr("Connecting was cancelled.")); });
    connect(m_demo, &DemoClusterLauncher::progress, m_welcome, &WelcomePage::setBusy);
    connect(m_demo, &DemoClusterLauncher::ready, this, [this] {
        m_welcome->setIdle();
        if (openKubeconfig(m_demo->kubeconfigPath()))
            connectTo({});
    });
    connect(m_demo, &DemoClusterLauncher::failed, this, [this](const QString& message) {
        m_welcome->setIdle();
        showWelcome(tr("The demo cluster: %1").arg(message));
    });
    m_welcome->setDemoAvailable(!DemoClusterLauncher::findBinary().isEmpty());
    showWelcome();
    resize(1500, 900);
    // Last: it puts back the layout of everything built above; pages follow as sessions come.
    m_shell = new WindowShell(this, nullptr, QString());
}

MainWindow::~MainWindow()
{
    closeSession();
}

MeshPage* MainWindow::meshPage() const
{
    return m_meshPage;
}

ExperimentBanner* MainWindow::experimentBanner() const
{
    return m_experimentBanner;
}

bool MainWindow::openKubeconfig(const QString& path)
{
    const QString error = m_catalog->load(path);
    if (!error.isEmpty()) {
        showWelcome(tr("The kubeconfig could not be loaded: %1").arg(error));
        return false;
    }
    return true;
}

bool MainWindow::connectTo(const QString& context, const QString& namespaceName)
{
    const QString name = context.isEmpty() ? m_catalog->currentContext() : context;
    QString problem;
    std::optional<kube::ClusterConnection> connection = m_catalog->connection(name, &problem);
    if (!connection) {
        showWelcome(name.isEmpty() ? tr("The kubeconfig names no current context; pick one.")
                                   : tr("Context %1 cannot be used: %2").arg(name, problem));
        return false;
    }
    if (!namespaceName.isEmpty())
        connection->namespaceName = namespaceName.toStdString();
    if (m_session && m_session->contextName() == name
        && m_session->namespaceName() == QString::fromStdString(connection->namespaceName))
        return true;

    closeSession();
    m_session = std::make_unique<ClusterSession>(*connection, prometheusUrlFor(name));
    ClusterSession* session = m_session.get();
    const QString ns = session->namespaceName();
    m_meshPage = new MeshPage(session, m_audit, m_pages);
    m_pages->insertTab(0, m_meshPage, tr("&Mesh"));
    m_pages->setCurrentIndex(0);
    m_stack->setCurrentWidget(m_pages->parentWidget());
    showExperiments();
    m_connectionBar->show();
    setWindowTitle(tr("MeshDeck — %1 · %2").arg(name, ns));
    connect(m_meshPage, &MeshPage::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 5000); });

    m_switcher->setCurrent(name, ns);
    watchConnection(*connection);
    watchFirstLoad();
    m_shell->setPage(m_meshPage, name);
    Q_EMIT sessionChanged(session);
    return true;
}

void MainWindow::watchConnection(const kube::ClusterConnection& connection)
{
    ClusterSession* session = m_session.get();
    const QString name = session->contextName();
    m_status->setContext(name, session->namespaceName(), connection.insecureSkipTlsVerify);
    m_status->setPrometheusUrl(session->prometheusUrl());
    m_prometheusUrlAction->setEnabled(true);
    connect(session, &ClusterSession::identityChanged, m_status, &ConnectionStatus::setIdentity);
    m_probe = new ReachabilityProbe(session, this);
    m_probe->setInterval(ReprobeMs);
    connect(m_probe, &ReachabilityProbe::probed, this, [this, name](const Reachability& result) {
        m_status->setReachability(result);
        m_catalog->setReachability(name, result);
        m_switcher->setNamespaces(result.namespaces, !result.namespacesFallback);
        if (m_activity->isActive() && !result.reachable)
            m_activity->setMessage(tr("The API server does not answer: %1").arg(result.error));
    });
    m_probe->probe();
    m_restrictions = new AccessRestrictions(session, this);
    connect(m_restrictions, &AccessRestrictions::checked, m_status, &ConnectionStatus::setRestrictions);
    // Asked once SelfSubjectReview named the user, so the reasons say who may not.
    connect(session, &ClusterSession::identityChanged, m_restrictions, &AccessRestrictions::check);
    m_restrictions->check();
}

void MainWindow::watchFirstLoad()
{
    m_activity->start(tr("Connecting to %1 and listing namespace %2…").arg(m_session->contextName(), m_session->namespaceName()),
                      true);
    // The page's own loader says when the namespace's objects are in (the graph may still be empty:
    // no traffic yet), or why the cluster refused them; cancelling stays possible until then.
    auto* loader = m_meshPage->findChild<MeshTopologyLoader*>();
    connect(loader, &MeshTopologyLoader::topologyAvailable, m_activity, [this] { m_activity->finish(); });
    connect(loader, &MeshTopologyLoader::loadFailed, m_activity, [this](const QString& message) {
        if (m_activity->isActive())
            m_activity->setMessage(tr("Cannot list namespace %1: %2").arg(m_session->namespaceName(), message));
    });
}

void MainWindow::closeSession()
{
    if (!m_session)
        return;
    m_shell->savePage(); // while the page still exists
    // The pages first: their loaders cancel their requests through the session they borrow. Then
    // the session: destroying its client stops the I/O thread and drops every answer still queued.
    delete m_experimentBanner; // it shows the page's experiments
    m_haltAll->setEnabled(false);
    delete m_meshPage;
    delete m_restrictions;
    m_restrictions = nullptr;
    delete m_probe;
    m_probe = nullptr;
    m_session.reset();
    m_activity->finish();
    m_status->clear();
    m_prometheusUrlAction->setEnabled(false);
}

void MainWindow::setPrometheusUrlForRun(const QString& context, const QString& url)
{
    m_prometheusUrlsForRun.insert(context.isEmpty() ? m_catalog->currentContext() : context, url);
}

QString MainWindow::prometheusUrlFor(const QString& context) const
{
    QSettings settings;
    return m_prometheusUrlsForRun.value(context, WindowStateStore(settings).prometheusUrl(context));
}

QString MainWindow::rememberPrometheusUrl(const QString& url)
{
    if (!m_session)
        return tr("not connected");
    const QString trimmed = url.trimmed();
    if (!trimmed.isEmpty()) {
        if (const QString problem = ClusterSession::prometheusUrlProblem(trimmed); !problem.isEmpty())
            return problem;
    }
    const QString context = m_session->contextName();
    const QString ns = m_session->namespaceName();
    QSettings settings;
    WindowStateStore(settings).setPrometheusUrl(context, trimmed);
    m_prometheusUrlsForRun.remove(context); // what was just set wins over the command line's
    // The session's clients are fixed at construction: a new session queries the new Prometheus.
    closeSession();
    connectTo(context, ns);
    return {};
}

void MainWindow::askPrometheusUrl()
{
    if (!m_session)
        return;
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Prometheus for %1").arg(m_session->contextName()));
    dialog->setLabelText(
        tr("A Prometheus URL MeshDeck can reach for this context, such as http://127.0.0.1:9090 after\n"
           "kubectl port-forward -n istio-system svc/prometheus 9090. Remembered for the context;\n"
           "no credentials. Empty: through the API server's service proxy."));
    dialog->setTextValue(m_session->prometheusUrl());
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& url) {
        if (const QString problem = rememberPrometheusUrl(url); !problem.isEmpty())
            statusBar()->showMessage(tr("Prometheus URL not used: %1").arg(problem), 10000);
    });
    dialog->open();
}

void MainWindow::showWelcome(const QString& problem)
{
    const bool hadSession = bool(m_session);
    closeSession();
    m_welcome->setProblem(problem);
    m_stack->setCurrentWidget(m_welcome);
    m_connectionBar->setVisible(m_catalog->rowCount() > 0);
    setWindowTitle(tr("MeshDeck"));
    if (hadSession)
        Q_EMIT sessionChanged(nullptr);
}

void MainWindow::startDemoCluster()
{
    if (m_demo->isRunning()) {
        if (m_demo->isReady() && openKubeconfig(m_demo->kubeconfigPath()))
            connectTo({});
        return;
    }
    const QString binary = DemoClusterLauncher::findBinary();
    if (binary.isEmpty()) {
        showWelcome(tr("meshdeck-democluster was not found next to meshdeck or in its build tree."));
        return;
    }
    showWelcome();
    m_demo->start(binary);
}

void MainWindow::openContextPicker()
{
    if (m_catalog->rowCount() == 0)
        return;
    auto* dialog = new ContextPickerDialog(m_catalog, m_session ? m_session->contextName() : QString(),
                                           m_session ? m_session->namespaceName() : QString(),
                                           [this](const QString& context) { return prometheusUrlFor(context); }, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { connectTo(dialog->chosenContext(), dialog->chosenNamespace()); });
    dialog->open();
}

void MainWindow::showExperiments()
{
    ExperimentRegistry* registry = m_meshPage->experimentRegistry();
    m_experimentBanner = new ExperimentBanner(registry, m_meshPage->experimentRunner(), m_pages->parentWidget());
    m_sessionArea->insertWidget(0, m_experimentBanner);
    const auto follow = [this, registry] { m_haltAll->setEnabled(registry->rowCount() > 0); };
    connect(registry, &ExperimentRegistry::experimentsChanged, m_haltAll, follow);
    follow();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    ExperimentRunner* runner = m_meshPage ? m_meshPage->experimentRunner() : nullptr;
    const qsizetype running = runner ? runner->ownExperiments().size() : 0;
    if (running > 0) {
        QMessageBox box(QMessageBox::Question, tr("Quit MeshDeck"),
                        running == 1 ? tr("1 fault experiment is running.") : tr("%1 fault experiments are running.").arg(running),
                        QMessageBox::NoButton, this);
        box.setInformativeText(tr("Kept running, each reverts at its expiry: any MeshDeck connected to the cluster then "
                                  "reverts it, and this one does when it starts again."));
        QPushButton* revert = box.addButton(tr("Revert them"), QMessageBox::AcceptRole);
        box.addButton(tr("Keep running"), QMessageBox::DestructiveRole);
        QPushButton* cancel = box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(revert);
        box.setEscapeButton(cancel);
        box.exec();
        if (box.clickedButton() == cancel) {
            event->ignore();
            return;
        }
        if (box.clickedButton() == revert && !runner->revertAllBlocking(RevertOnQuitMs)) {
            QMessageBox::warning(this, tr("Quit MeshDeck"),
                                 tr("Not every experiment could be reverted in time; the rest revert at their expiry."));
        }
    }
    QMainWindow::closeEvent(event);
}

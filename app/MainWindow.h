// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <memory>

class AccessRestrictions;
class ActivityIndicator;
class AuditLog;
class AuditPage;
class ClusterSession;
class ConnectionStatus;
class ContextCatalog;
class ContextSwitcher;
class DemoClusterLauncher;
class ExperimentBanner;
class MeshPage;
class QStackedWidget;
class QAction;
class QTabWidget;
class QVBoxLayout;
class QToolBar;
class ReachabilityProbe;
class WelcomePage;
class WindowShell;
namespace kube {
struct ClusterConnection;
}

// A thin shell around one cluster session at a time. It owns the current ClusterSession and builds
// the session's pages from it (the mesh, beside the audit log); switching context or namespace
// builds a new session and new pages and deletes the old ones, which cancels the old session's
// in-flight requests. With nothing to connect to it shows the welcome page, which can start the
// demo cluster. The toolbar switches context and namespace; the status bar says where we are
// connected, as whom, how fast the API server answers, whether Prometheus does, and what a user
// without full rights does not see.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AuditLog* audit, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Reads the kubeconfig kubectl would (`path` alone when given). On failure the welcome page
    // shows why; false then.
    bool openKubeconfig(const QString& path = {});
    // Connects to a context of the loaded kubeconfig (empty: its current one) in a namespace (empty:
    // the context's), replacing the current session and its pages. A repeat of where the window
    // already is does nothing. False, with the reason on the welcome page, when the context cannot
    // be used.
    bool connectTo(const QString& context, const QString& namespaceName = {});
    // Leaves the current session (if any) and shows the welcome page, with `problem` when given.
    void showWelcome(const QString& problem = {});
    // Starts meshdeck-democluster with its Prometheus and connects once it is ready; it stops when
    // the window goes away.
    void startDemoCluster();
    void openContextPicker();
    // `--prometheus-url`: the Prometheus `context` (empty: the kubeconfig's current one) queries
    // directly, for this run only; it wins over the URL remembered for the context.
    void setPrometheusUrlForRun(const QString& context, const QString& url);
    // Where the next session of `context` queries Prometheus: this run's URL, else the one remembered
    // for it; empty: through the API server's service proxy.
    QString prometheusUrlFor(const QString& context) const;
    // Remembers `url` (empty: none, the proxy again) for the session's context and reconnects to use
    // it. The reason when the URL cannot be used (nothing changes then), else empty.
    QString rememberPrometheusUrl(const QString& url);
    // "Set Prometheus URL…": asks for the URL in a dialog (the status bar's link does the same).
    QAction* prometheusUrlAction() const { return m_prometheusUrlAction; }

    ClusterSession* session() const { return m_session.get(); }
    // Null while no session is open.
    MeshPage* meshPage() const;
    AuditPage* auditPage() const { return m_auditPage; }
    ContextCatalog* contexts() const { return m_catalog; }
    WelcomePage* welcomePage() const { return m_welcome; }
    ConnectionStatus* connectionStatus() const { return m_status; }
    ActivityIndicator* activity() const { return m_activity; }
    ContextSwitcher* contextSwitcher() const { return m_switcher; }
    DemoClusterLauncher* demoCluster() const { return m_demo; }
    // Themes, presentation mode, the shortcut overlay, the remembered layout.
    WindowShell* shell() const { return m_shell; }
    // The session's running fault experiments above the pages; null while no session is open.
    ExperimentBanner* experimentBanner() const;
    QAction* haltAllAction() const { return m_haltAll; }

Q_SIGNALS:
    // A new session and its pages are in place; null when the window went back to the welcome page.
    void sessionChanged(ClusterSession* session);

protected:
    // With fault experiments of this MeshDeck still running: revert them (default), keep them
    // running until their expiry, or cancel quitting.
    void closeEvent(QCloseEvent* event) override;

private:
    // The session's experiment banner above the pages, and "Halt all experiments" following it.
    void showExperiments();
    void closeSession();
    // The status bar's account of the session: reachability (re-probed), identity, restrictions.
    void watchConnection(const kube::ClusterConnection& connection);
    void watchFirstLoad();
    void askPrometheusUrl();

    AuditLog* m_audit;
    ContextCatalog* m_catalog;
    QStackedWidget* m_stack;
    WelcomePage* m_welcome;
    QTabWidget* m_pages;
    AuditPage* m_auditPage;
    QVBoxLayout* m_sessionArea;
    QAction* m_haltAll;
    QAction* m_prometheusUrlAction;
    QHash<QString, QString> m_prometheusUrlsForRun; // by context
    QToolBar* m_connectionBar;
    ContextSwitcher* m_switcher;
    ConnectionStatus* m_status;
    ActivityIndicator* m_activity;
    DemoClusterLauncher* m_demo;
    // The session's objects, deleted in this order (pages before the session they borrow).
    QPointer<MeshPage> m_meshPage;
    QPointer<ExperimentBanner> m_experimentBanner;
    ReachabilityProbe* m_probe = nullptr;
    AccessRestrictions* m_restrictions = nullptr;
    std::unique_ptr<ClusterSession> m_session;
    WindowShell* m_shell = nullptr;
};

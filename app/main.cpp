// SPDX-License-Identifier: Apache-2.0
#include "CommandLine.h"
#include "FaultCommand.h"
#include "GraphExportCommand.h"
#include "MainWindow.h"
#include "ScreenshotTaker.h"

#include "views/connect/WelcomePage.h"
#include "views/graph/GraphPanel.h"
#include "views/pages/MeshPage.h"
#include "views/shell/FirstPaintReporter.h"
#include "views/shell/PresentationMode.h"
#include "views/shell/ThemeController.h"
#include "views/shell/WindowShell.h"
#include "views/shell/WindowStateStore.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"
#include "models/session/ContextCatalog.h"

#include "kubeclient/Kubeconfig.h"
#include "kubeclient/MallocTuning.h"

#include <QApplication>
#include <QSettings>

#include <variant>

namespace {

// The commands without a window (--export-graph, --fault, --reap-experiments): the context the
// command line names, or an error on stderr and exit 1.
int runHeadless(const CommandLine& line)
{
    auto loaded = kube::Kubeconfig::loadDefault(line.kubeconfig.toStdString());
    auto connection = std::holds_alternative<kube::Kubeconfig>(loaded)
        ? std::get<kube::Kubeconfig>(loaded).connection(line.context.toStdString())
        : std::variant<kube::ClusterConnection, kube::KubeconfigError>(std::get<kube::KubeconfigError>(loaded));
    if (auto* error = std::get_if<kube::KubeconfigError>(&connection)) {
        qCritical("meshdeck: %s: %s", error->file.c_str(), error->message.c_str());
        return 1;
    }
    auto& cluster = std::get<kube::ClusterConnection>(connection);
    if (!line.namespaceName.isEmpty())
        cluster.namespaceName = line.namespaceName.toStdString();

    // Guards and exported numbers come from the Prometheus the window would use for the context.
    QSettings settings;
    const QString prometheusUrl = line.prometheusUrl.isEmpty()
        ? WindowStateStore(settings).prometheusUrl(QString::fromStdString(cluster.contextName))
        : line.prometheusUrl;
    ClusterSession session(cluster, prometheusUrl);
    if (FaultCommand::isWanted(line))
        return FaultCommand::run(&session, line);
    GraphOptions options;
    if (line.graphKind == u"service")
        options.kind = GraphKind::Service;
    else if (line.graphKind == u"workload")
        options.kind = GraphKind::Workload;
    options.showIdle = line.showIdle;
    GraphExportCommand command(&session, line.exportGraph, options, line.namespaces);
    return QApplication::exec();
}

} // namespace

int main(int argc, char** argv)
{
    kube::tuneMallocForLargeAnswers(); // before Qt starts any thread
    // An export, --help and --version run where there may be no display at all.
    if (CommandLine::needsNoDisplay(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("meshdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("MeshDeck"));
    QApplication::setApplicationVersion(QStringLiteral(MESHDECK_VERSION));
    QApplication::setOrganizationName(QStringLiteral("MeshDeck"));
    const CommandLine line = CommandLine::parse(app);
    if (FaultCommand::isWanted(line) || !line.exportGraph.isEmpty())
        return runHeadless(line);

    // No kubeconfig anywhere: the welcome page. One that fails to load, or a context that cannot be
    // used: the welcome page with the reason, never a modal error.
    FirstPaintReporter::installIfWanted();
    AuditLog audit(AuditLog::defaultFile());
    MainWindow window(&audit);
    if (ContextCatalog::anyKubeconfigExists(line.kubeconfig) && window.openKubeconfig(line.kubeconfig)) {
        if (!line.prometheusUrl.isEmpty())
            window.setPrometheusUrlForRun(line.context, line.prometheusUrl);
        window.connectTo(line.context, line.namespaceName);
    }
    if (!line.screenshot.isEmpty() && !window.meshPage()) {
        const QString problem = window.welcomePage()->problem();
        qCritical("meshdeck: no screenshot: %s",
                  qPrintable(problem.isEmpty() ? QStringLiteral("no kubeconfig (--kubeconfig, $KUBECONFIG or ~/.kube/config)") : problem));
        return 1;
    }
    // The session is the first namespace's; the graph shows them all (over what the context remembered).
    if (window.meshPage() && line.namespaces.size() > 1)
        window.meshPage()->graphPanel()->setNamespaces(line.namespaces);
    if (window.meshPage() && !line.selectService.isEmpty())
        window.meshPage()->selectService(line.selectService);
    // After the context's remembered chart window, which the command line overrides.
    if (window.meshPage() && line.chartWindowSeconds > 0)
        window.meshPage()->telemetryPanel()->setWindowSeconds(line.chartWindowSeconds);
    if (window.meshPage() && !line.compareBaseline.isEmpty())
        window.meshPage()->telemetryPanel()->setComparison(line.compareBaseline, line.compareCanary);
    if (!line.theme.isEmpty())
        window.shell()->themeController()->setTheme(line.theme == u"dark" ? Theme::Dark : Theme::Light);
    window.show();
    window.shell()->presentationMode()->setActive(line.presentation);

    std::unique_ptr<ScreenshotTaker> screenshot;
    if (!line.screenshot.isEmpty())
        screenshot = std::make_unique<ScreenshotTaker>(&window, window.meshPage(), line.screenshotOf, line.screenshot,
                                                       line.screenshotAfterSeconds);
    return QApplication::exec();
}

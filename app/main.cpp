// SPDX-License-Identifier: Apache-2.0
#include "CommandLine.h"
#include "GraphExportCommand.h"
#include "MainWindow.h"
#include "ScreenshotTaker.h"

#include "views/pages/MeshPage.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/Kubeconfig.h"

#include <QApplication>
#include <QMessageBox>

#include <variant>

namespace {

int fail(const CommandLine& line, const QString& message)
{
    qCritical("meshdeck: %s", qPrintable(message));
    if (line.screenshot.isEmpty() && line.exportGraph.isEmpty())
        QMessageBox::critical(nullptr, QObject::tr("MeshDeck cannot connect"), message);
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    // An export runs where there may be no display at all.
    if (CommandLine::wantsExport(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("meshdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("MeshDeck"));
    QApplication::setApplicationVersion(QStringLiteral(MESHDECK_VERSION));
    QApplication::setOrganizationName(QStringLiteral("MeshDeck"));
    const CommandLine line = CommandLine::parse(app);

    auto loaded = kube::Kubeconfig::loadDefault(line.kubeconfig.toStdString());
    if (auto* error = std::get_if<kube::KubeconfigError>(&loaded))
        return fail(line, QString::fromStdString(error->file + ": " + error->message));
    auto connection = std::get<kube::Kubeconfig>(loaded).connection(line.context.toStdString());
    if (auto* error = std::get_if<kube::KubeconfigError>(&connection))
        return fail(line, QString::fromStdString(error->file + ": " + error->message));
    auto& cluster = std::get<kube::ClusterConnection>(connection);
    if (!line.namespaceName.isEmpty())
        cluster.namespaceName = line.namespaceName.toStdString();

    ClusterSession session(cluster);
    if (!line.exportGraph.isEmpty()) {
        GraphOptions options;
        if (line.graphKind == u"service")
            options.kind = GraphKind::Service;
        else if (line.graphKind == u"workload")
            options.kind = GraphKind::Workload;
        GraphExportCommand command(&session, line.exportGraph, options);
        return QApplication::exec();
    }

    AuditLog audit(AuditLog::defaultFile());
    MainWindow window(&session, &audit);
    if (!line.selectService.isEmpty())
        window.meshPage()->selectService(line.selectService);
    window.show();

    std::unique_ptr<ScreenshotTaker> screenshot;
    if (!line.screenshot.isEmpty())
        screenshot = std::make_unique<ScreenshotTaker>(&window, window.meshPage(), line.screenshot);
    return QApplication::exec();
}

// SPDX-License-Identifier: Apache-2.0
#include "CommandLine.h"

#include <QCommandLineParser>
#include <QCoreApplication>

CommandLine CommandLine::parse(const QCoreApplication& app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "MeshDeck: a desktop control center for Kubernetes service meshes."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
                                        QCoreApplication::translate("main", "Kubeconfig file to use."),
                                        QStringLiteral("path"));
    const QCommandLineOption context(QStringLiteral("context"),
                                     QCoreApplication::translate("main", "Kubeconfig context to connect to."),
                                     QStringLiteral("name"));
    const QCommandLineOption ns(QStringList{QStringLiteral("n"), QStringLiteral("namespace")},
                                QCoreApplication::translate("main", "Namespace to show (default: the context's)."),
                                QStringLiteral("name"));
    const QCommandLineOption select(QStringLiteral("select"),
                                    QCoreApplication::translate("main", "Service to select at start."),
                                    QStringLiteral("service"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Write a PNG of the window once the graph and chart show live data, then exit."),
        QStringLiteral("file"));
    const QCommandLineOption exportGraph(
        QStringLiteral("export-graph"),
        QCoreApplication::translate("main", "Write the mesh graph to a .json, .dot, .png or .svg file without showing a "
                                            "window, once telemetry has arrived, then exit."),
        QStringLiteral("file"));
    const QCommandLineOption graphKind(QStringLiteral("graph-kind"),
                                       QCoreApplication::translate("main", "Graph for --export-graph: versioned-app "
                                                                           "(default), service or workload."),
                                       QStringLiteral("kind"), QStringLiteral("versioned-app"));
    parser.addOptions({kubeconfig, context, ns, select, screenshot, exportGraph, graphKind});
    parser.process(app);

    if (!parser.positionalArguments().isEmpty()) {
        qCritical("meshdeck: unexpected argument '%s' (see --help)", qPrintable(parser.positionalArguments().first()));
        ::exit(2);
    }
    CommandLine line;
    line.kubeconfig = parser.value(kubeconfig);
    line.context = parser.value(context);
    line.namespaceName = parser.value(ns);
    line.selectService = parser.value(select);
    line.screenshot = parser.value(screenshot);
    line.exportGraph = parser.value(exportGraph);
    line.graphKind = parser.value(graphKind);
    const QStringList kinds{QStringLiteral("versioned-app"), QStringLiteral("service"), QStringLiteral("workload")};
    if (!kinds.contains(line.graphKind)) {
        qCritical("meshdeck: --graph-kind '%s' is not one of %s", qPrintable(line.graphKind),
                  qPrintable(kinds.join(QStringLiteral(", "))));
        ::exit(2);
    }
    return line;
}

bool CommandLine::wantsExport(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--export-graph") == 0 || qstrncmp(argv[i], "--export-graph=", 15) == 0)
            return true;
    }
    return false;
}

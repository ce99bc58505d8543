// SPDX-License-Identifier: Apache-2.0
#include "CommandLine.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

namespace {

// GNU's convention for a usage error: the program's name, what is wrong, where to read more, and
// exit status 2 (1 is left for failures at run time, such as an unreachable cluster).
[[noreturn]] void rejectArguments(const QString& message)
{
    CommandLine::printUsageError(message);
    std::exit(2);
}

} // namespace

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
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QCoreApplication::translate("main", "Colour theme: light or dark (default: the "
                                                                       "desktop's)."),
                                   QStringLiteral("name"));
    const QCommandLineOption presentation(
        QStringLiteral("presentation"),
        QCoreApplication::translate("main", "Start in presentation mode (full screen, large, high contrast; F5 leaves)."));
    auto valueOption = [](const char* name, const char* description, const char* valueName) {
        return QCommandLineOption(QLatin1String(name), QCoreApplication::translate("main", description), QLatin1String(valueName));
    };
    const QCommandLineOption fault = valueOption("fault", "Run a fault experiment on a service without a window: prints what it "
                                                          "did, reverts it at expiry or on Ctrl-C, then exits.", "service");
    const QCommandLineOption delay = valueOption("delay", "--fault: delay requests by this long (2s, 500ms).", "duration");
    const QCommandLineOption abort = valueOption("abort", "--fault: abort requests with this HTTP status.", "status");
    const QCommandLineOption abortGrpc = valueOption("abort-grpc", "--fault: abort requests with this gRPC status.", "status");
    const QCommandLineOption percent = valueOption("percent", "--fault: share of the requests hit (default 100).", "percent");
    const QCommandLineOption header = valueOption("header", "--fault: only requests with this header value.", "name=value");
    const QCommandLineOption route = valueOption("route", "--fault: only this named http route.", "name");
    const QCommandLineOption duration = valueOption("duration", "--fault: how long it runs (default 5m).", "duration");
    const QCommandLineOption yes(QStringLiteral("yes"),
                                 QCoreApplication::translate("main", "--fault: go ahead when the blast radius asks for confirmation."));
    const QCommandLineOption reap(QStringLiteral("reap-experiments"),
                                  QCoreApplication::translate("main", "Revert every expired fault experiment in the context, then exit."));
    parser.addOptions({kubeconfig, context, ns, select, screenshot, exportGraph, graphKind, theme, presentation, fault, delay, abort,
                       abortGrpc, percent, header, route, duration, yes, reap});
    // parse() rather than process(): process() exits with status 1 on a bad argument.
    if (!parser.parse(app.arguments()))
        rejectArguments(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        rejectArguments(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    CommandLine line;
    line.kubeconfig = parser.value(kubeconfig);
    line.context = parser.value(context);
    line.namespaceName = parser.value(ns);
    line.selectService = parser.value(select);
    line.screenshot = parser.value(screenshot);
    line.exportGraph = parser.value(exportGraph);
    line.graphKind = parser.value(graphKind);
    line.theme = parser.value(theme);
    line.presentation = parser.isSet(presentation);
    line.faultService = parser.value(fault);
    line.faultDelay = parser.value(delay);
    line.faultAbort = parser.value(abort);
    line.faultAbortGrpc = parser.value(abortGrpc);
    line.faultPercent = parser.value(percent);
    line.faultHeader = parser.value(header);
    line.faultRoute = parser.value(route);
    line.faultDuration = parser.value(duration);
    line.assumeYes = parser.isSet(yes);
    line.reapExperiments = parser.isSet(reap);
    const QStringList kinds{QStringLiteral("versioned-app"), QStringLiteral("service"), QStringLiteral("workload")};
    if (!kinds.contains(line.graphKind)) {
        rejectArguments(QStringLiteral("--graph-kind '%1' is not one of %2")
                            .arg(line.graphKind, kinds.join(QStringLiteral(", "))));
    }
    const QStringList themes{QStringLiteral("light"), QStringLiteral("dark")};
    if (parser.isSet(theme) && !themes.contains(line.theme))
        rejectArguments(QStringLiteral("--theme '%1' is not one of %2").arg(line.theme, themes.join(QStringLiteral(", "))));
    return line;
}

bool CommandLine::needsNoDisplay(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"--export-graph", "--fault", "--reap-experiments", "--help", "-h", "--help-all", "--version", "-v"}) {
            const auto length = qstrlen(option);
            if (qstrcmp(argv[i], option) == 0 || (qstrncmp(argv[i], option, length) == 0 && argv[i][length] == '='))
                return true;
        }
    }
    return false;
}

void CommandLine::printUsageError(const QString& message)
{
    std::fprintf(stderr, "meshdeck: %s\nTry 'meshdeck --help' for more information.\n", qPrintable(message));
}

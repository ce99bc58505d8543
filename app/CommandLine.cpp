// SPDX-License-Identifier: Apache-2.0
#include "CommandLine.h"
#include "FaultCommand.h"

#include "models/mesh/MeshTopologies.h"
#include "models/session/ClusterSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <algorithm>
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
                                QCoreApplication::translate("main", "Namespace to show (default: the context's); "
                                                                    "several, comma-separated, are shown together."),
                                QStringLiteral("names"));
    const QCommandLineOption prometheusUrl(
        QStringLiteral("prometheus-url"),
        QCoreApplication::translate("main", "Query this Prometheus directly (a port-forward, an ingress) instead of the one "
                                            "behind the API server's service proxy, for this run (default: the URL set for "
                                            "the context, else the proxy)."),
        QStringLiteral("url"));
    const QCommandLineOption select(QStringLiteral("select"),
                                    QCoreApplication::translate("main", "Service to select at start."),
                                    QStringLiteral("service"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Write a PNG of the window once the graph and chart show live data, then exit."),
        QStringLiteral("file"));
    const QCommandLineOption screenshotAfter(
        QStringLiteral("screenshot-after"),
        QCoreApplication::translate("main", "--screenshot: how long the page shows live data before the picture (default 20s)."),
        QStringLiteral("duration"), QStringLiteral("20s"));
    const QCommandLineOption screenshotOf(
        QStringLiteral("screenshot-of"),
        QCoreApplication::translate("main", "--screenshot: the whole window (default), only the telemetry charts, "
                                            "or only the graph (waiting for its live numbers alone)."),
        QStringLiteral("window|telemetry|graph"), QStringLiteral("window"));
    const QCommandLineOption compare(
        QStringLiteral("compare"),
        QCoreApplication::translate("main", "Chart a canary against its baseline, the difference shaded (versions of the "
                                            "selected service)."),
        QStringLiteral("baseline,canary"));
    const QCommandLineOption chartWindow(
        QStringLiteral("chart-window"),
        QCoreApplication::translate("main", "How much history the charts show, such as 5m or 6h (default: what the "
                                            "context last used)."),
        QStringLiteral("duration"));
    const QCommandLineOption exportGraph(
        QStringLiteral("export-graph"),
        QCoreApplication::translate("main", "Write the mesh graph to a .json, .dot, .png or .svg file without showing a "
                                            "window, once telemetry has arrived, then exit."),
        QStringLiteral("file"));
    const QCommandLineOption graphKind(QStringLiteral("graph-kind"),
                                       QCoreApplication::translate("main", "Graph for --export-graph: versioned-app "
                                                                           "(default), service or workload."),
                                       QStringLiteral("kind"), QStringLiteral("versioned-app"));
    const QCommandLineOption showIdle(QStringLiteral("show-idle"),
                                      QCoreApplication::translate("main", "--export-graph: include idle edges and nodes."));
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
    parser.addOptions({kubeconfig, context, ns, prometheusUrl, select, screenshot, exportGraph, graphKind, showIdle, theme, presentation, screenshotAfter, screenshotOf, compare, chartWindow, fault, delay, abort,
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
    if (parser.isSet(ns)) {
        for (const QString& name : parser.value(ns).split(u',')) {
            const QString trimmed = name.trimmed();
            if (!isNamespaceName(trimmed))
                rejectArguments(QStringLiteral("--namespace '%1': '%2' is not a namespace name").arg(parser.value(ns), trimmed));
            if (!line.namespaces.contains(trimmed))
                line.namespaces.append(trimmed);
        }
        line.namespaceName = line.namespaces.first();
    }
    line.prometheusUrl = parser.value(prometheusUrl);
    if (parser.isSet(prometheusUrl)) {
        if (const QString problem = ClusterSession::prometheusUrlProblem(line.prometheusUrl); !problem.isEmpty())
            rejectArguments(QStringLiteral("--prometheus-url: %1").arg(problem));
    }
    line.selectService = parser.value(select);
    line.screenshot = parser.value(screenshot);
    const auto after = FaultCommand::parseDuration(parser.value(screenshotAfter));
    if (!after)
        rejectArguments(QStringLiteral("--screenshot-after '%1' is not a duration such as 20s or 2m").arg(parser.value(screenshotAfter)));
    line.screenshotAfterSeconds = int(std::max<qint64>(1, after->count() / 1000));
    line.screenshotOf = parser.value(screenshotOf);
    if (line.screenshotOf != u"window" && line.screenshotOf != u"telemetry" && line.screenshotOf != u"graph")
        rejectArguments(QStringLiteral("--screenshot-of '%1' is not one of window, telemetry, graph").arg(line.screenshotOf));
    if (parser.isSet(compare)) {
        const QStringList pair = parser.value(compare).split(u',');
        if (pair.size() != 2 || pair[0].trimmed().isEmpty() || pair[1].trimmed().isEmpty() || pair[0].trimmed() == pair[1].trimmed())
            rejectArguments(QStringLiteral("--compare '%1' is not two different versions such as v2,v3").arg(parser.value(compare)));
        line.compareBaseline = pair[0].trimmed();
        line.compareCanary = pair[1].trimmed();
    }
    if (parser.isSet(chartWindow)) {
        // The charts' custom window takes whole minutes; so does this.
        const auto window = FaultCommand::parseDuration(parser.value(chartWindow));
        if (!window || window->count() < 60000 || window->count() % 60000 != 0)
            rejectArguments(QStringLiteral("--chart-window '%1' is not a whole number of minutes such as 5m or 6h").arg(parser.value(chartWindow)));
        line.chartWindowSeconds = int(window->count() / 1000);
    }
    line.exportGraph = parser.value(exportGraph);
    line.graphKind = parser.value(graphKind);
    line.showIdle = parser.isSet(showIdle);
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

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

class QCoreApplication;

// What the operator asked for on the command line.
struct CommandLine {
    QString kubeconfig; // empty: the files of $KUBECONFIG merged, or ~/.kube/config
    QString context;    // empty: the kubeconfig's current context
    QString namespaceName;  // the first of namespaces: the session's
    QStringList namespaces; // --namespace a,b,c: shown together in the graph
    QString prometheusUrl;  // --prometheus-url: queried directly instead of through the API server
    QString selectService;
    QString screenshot; // write a picture once live data shows, then exit
    int screenshotAfterSeconds = 20; // --screenshot-after: how long live data shows before the picture
    QString screenshotOf;            // --screenshot-of: window (default), telemetry or graph
    QString compareBaseline, compareCanary; // --compare: a canary charted against its baseline
    int chartWindowSeconds = 0;             // --chart-window; 0: the remembered or default window
    QString exportGraph; // write the graph to a file without showing a window, then exit
    QString graphKind;   // versioned-app (default), service or workload
    bool showIdle = false; // --export-graph: idle edges and nodes too
    QString theme;       // light, dark, or empty: follow the desktop
    bool presentation = false; // start in presentation mode
    // --fault SERVICE: run one fault experiment headless (see FaultCommand); the rest shape it.
    QString faultService;
    QString faultDelay, faultAbort, faultAbortGrpc; // exactly one
    QString faultPercent, faultHeader, faultRoute, faultDuration;
    bool assumeYes = false;       // --yes: go ahead when the blast radius asks for confirmation
    bool reapExperiments = false; // revert the expired experiments in the context once, then exit

    // Whether argv asks for something that opens no window (--export-graph, --fault,
    // --reap-experiments, --help, --version):
    // known before QApplication exists, to pick a platform that needs no display.
    static bool needsNoDisplay(int argc, char** argv);
    // Parses the arguments the GNU way: --help and --version print to stdout and exit 0; a bad
    // argument is named on stderr and exits 2.
    static CommandLine parse(const QCoreApplication& app);
    // Names a bad argument on stderr the same way; the caller exits with status 2.
    static void printUsageError(const QString& message);
};

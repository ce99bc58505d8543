// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

class QCoreApplication;

// What the operator asked for on the command line.
struct CommandLine {
    QString kubeconfig; // empty: the files of $KUBECONFIG merged, or ~/.kube/config
    QString context;    // empty: the kubeconfig's current context
    QString namespaceName;
    QString selectService;
    QString screenshot; // write a picture once live data shows, then exit
    QString exportGraph; // write the graph to a file without showing a window, then exit
    QString graphKind;   // versioned-app (default), service or workload

    // Whether argv asks for --export-graph: known before QApplication exists, to pick a platform
    // that needs no display.
    static bool wantsExport(int argc, char** argv);
    // Parses the arguments; prints help/version or an error naming the bad argument and exits.
    static CommandLine parse(const QCoreApplication& app);
};

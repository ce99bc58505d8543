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

    // Parses the arguments; prints help/version or an error naming the bad argument and exits.
    static CommandLine parse(const QCoreApplication& app);
};

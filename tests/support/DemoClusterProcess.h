// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/ClusterConnection.h"
#include "kubeclient/Kubeconfig.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// The real meshdeck-democluster binary, started on a free loopback port for one test, with its
// kubeconfig in a temporary folder. Stops it (and so its Prometheus) when destroyed.
class DemoClusterProcess {
public:
    enum class Prometheus { Off, Auto };

    // `extraArguments` go to the binary as they are, e.g. {"--services", "30"}.
    explicit DemoClusterProcess(Prometheus prometheus = Prometheus::Off, QStringList extraArguments = {});
    ~DemoClusterProcess();

    // Starts it and waits for its ready line; false with errorString() on failure or timeout.
    bool start(int timeoutMs = 60000);
    QString errorString() const { return m_error; }

    QString kubeconfigPath() const { return m_dir.filePath(QStringLiteral("kubeconfig")); }
    // The connection its kubeconfig gives for `context` (empty: the current one, the admin's).
    std::variant<kube::ClusterConnection, kube::KubeconfigError> connection(const std::string& context = {}) const;
    QString server() const { return m_server; }
    QString prometheusUrl() const { return m_prometheus; }
    QString workDir() const { return m_dir.path(); }

private:
    Prometheus m_mode;
    QStringList m_extraArguments;
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_server;
    QString m_prometheus;
    QString m_error;
};

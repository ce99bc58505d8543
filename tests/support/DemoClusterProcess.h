// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/session/DemoClusterLauncher.h"
#include "models/session/ClusterSession.h"

#include "kubeclient/ClusterConnection.h"
#include "kubeclient/Kubeconfig.h"

#include <QString>
#include <QStringList>

#include <memory>

// The real meshdeck-democluster binary, started on a free loopback port for one test, with its
// kubeconfig in a temporary folder (through the same DemoClusterLauncher MeshDeck's welcome page
// uses). Stops it (and so its Prometheus) when destroyed.
class DemoClusterProcess {
public:
    using Prometheus = DemoClusterLauncher::Prometheus;

    // `extraArguments` go to the binary as they are, e.g. {"--services", "30"}.
    explicit DemoClusterProcess(Prometheus prometheus = Prometheus::Off, QStringList extraArguments = {});

    // Starts it and waits for its ready line; false with errorString() on failure or timeout. With
    // Prometheus that line comes once Prometheus has scraped twice (about 7 s), so rates answer at
    // once; without, in well under a second.
    bool start(int timeoutMs = 60000);
    QString errorString() const { return m_error; }

    QString kubeconfigPath() const { return m_launcher.kubeconfigPath(); }
    // The connection its kubeconfig gives for `context` (empty: the current one, the admin's).
    std::variant<kube::ClusterConnection, kube::KubeconfigError> connection(const std::string& context = {}) const;
    // A MeshDeck session on that connection; null when the kubeconfig does not give one.
    std::unique_ptr<ClusterSession> session(const std::string& context = {}) const;
    QString server() const { return m_launcher.server(); }
    QString prometheusUrl() const { return m_launcher.prometheusUrl(); }
    QString workDir() const { return m_launcher.workDir(); }

private:
    Prometheus m_mode;
    QStringList m_extraArguments;
    DemoClusterLauncher m_launcher;
    QString m_error;
};

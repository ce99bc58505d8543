// SPDX-License-Identifier: Apache-2.0
#include "DemoClusterProcess.h"

DemoClusterProcess::DemoClusterProcess(Prometheus prometheus, QStringList extraArguments)
    : m_mode(prometheus)
    , m_extraArguments(std::move(extraArguments))
{
    QObject::connect(&m_launcher, &DemoClusterLauncher::failed, &m_launcher,
                     [this](const QString& message) { m_error = message; });
}

std::variant<kube::ClusterConnection, kube::KubeconfigError> DemoClusterProcess::connection(const std::string& context) const
{
    auto loaded = kube::Kubeconfig::load(kubeconfigPath().toStdString());
    if (auto* error = std::get_if<kube::KubeconfigError>(&loaded))
        return *error;
    return std::get<kube::Kubeconfig>(loaded).connection(context);
}

bool DemoClusterProcess::start(int timeoutMs)
{
    // Blocking, so suites without a QCoreApplication (QTEST_APPLESS_MAIN) can start it too.
    m_launcher.start(QStringLiteral(MESHDECK_DEMOCLUSTER_BIN), m_mode, m_extraArguments);
    if (m_launcher.waitForReady(timeoutMs))
        return true;
    if (m_error.isEmpty())
        m_error = QStringLiteral("meshdeck-democluster did not become ready in %1 s; its log is %2")
                      .arg(timeoutMs / 1000)
                      .arg(m_launcher.logPath());
    return false;
}

std::unique_ptr<ClusterSession> DemoClusterProcess::session(const std::string& context) const
{
    auto loaded = connection(context);
    if (!std::holds_alternative<kube::ClusterConnection>(loaded))
        return nullptr;
    return std::make_unique<ClusterSession>(std::get<kube::ClusterConnection>(loaded));
}

// SPDX-License-Identifier: Apache-2.0
#include "DemoClusterProcess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

DemoClusterProcess::DemoClusterProcess(Prometheus prometheus, QStringList extraArguments)
    : m_mode(prometheus)
    , m_extraArguments(std::move(extraArguments))
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardErrorFile(m_dir.filePath(QStringLiteral("democluster.log")));
}

DemoClusterProcess::~DemoClusterProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(15000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
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
    const QStringList arguments = QStringList{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--kubeconfig-out"),
                                              kubeconfigPath(), QStringLiteral("--prometheus"),
                                              m_mode == Prometheus::Auto ? QStringLiteral("auto") : QStringLiteral("off")}
        + m_extraArguments;
    m_process.start(QStringLiteral(MESHDECK_DEMOCLUSTER_BIN), arguments);
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start ") + QStringLiteral(MESHDECK_DEMOCLUSTER_BIN) + QStringLiteral(": ")
            + m_process.errorString();
        return false;
    }
    static const QRegularExpression ready(QStringLiteral("ready server=(\\S+) kubeconfig=\\S+ prometheus=(\\S+)"));
    const QDeadlineTimer deadline(timeoutMs);
    QByteArray output;
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning)
            break;
        m_process.waitForReadyRead(200);
        output += m_process.readAllStandardOutput();
        const QRegularExpressionMatch match = ready.match(QString::fromUtf8(output));
        if (match.hasMatch()) {
            m_server = match.captured(1);
            m_prometheus = match.captured(2);
            return true;
        }
    }
    m_error = QStringLiteral("meshdeck-democluster did not become ready; its log is in ") + m_dir.path();
    m_dir.setAutoRemove(false);
    return false;
}

// SPDX-License-Identifier: Apache-2.0
#include "DemoClusterLauncher.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <csignal>
#include <sys/prctl.h>

namespace {
constexpr const char* BinaryName = "meshdeck-democluster";
constexpr int StopGraceMs = 15000;
} // namespace

DemoClusterLauncher::DemoClusterLauncher(QObject* parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardErrorFile(logPath());
    // Killed or crashed, MeshDeck runs no destructor: the kernel then stops the cluster for us.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &DemoClusterLauncher::onOutput);
    connect(&m_process, &QProcess::finished, this, &DemoClusterLauncher::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT failed(tr("cannot start %1: %2").arg(m_process.program(), m_process.errorString()));
    });
}

DemoClusterLauncher::~DemoClusterLauncher()
{
    m_process.disconnect(this);
    stop();
}

QString DemoClusterLauncher::findBinary()
{
    const QDir appDir(QCoreApplication::applicationDirPath());
    const QString name = QString::fromLatin1(BinaryName);
    // Installed: both in bin/. Build tree: build/X/app/meshdeck beside build/X/democluster/, and the
    // tests and benchmarks one level deeper (build/X/tests/views/...).
    for (const QString& candidate : {appDir.filePath(name), appDir.filePath(QStringLiteral("../democluster/") + name),
                                     appDir.filePath(QStringLiteral("../../democluster/") + name)}) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return {};
}

void DemoClusterLauncher::start(const QString& binary, Prometheus prometheus, const QStringList& extraArguments)
{
    m_output.clear();
    m_server.clear();
    m_prometheus.clear();
    m_startupMs = -1;
    m_stopping = false;
    if (!m_dir.isValid()) {
        Q_EMIT failed(tr("cannot create a temporary folder for the demo cluster: %1").arg(m_dir.errorString()));
        return;
    }
    const QStringList arguments = QStringList{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--kubeconfig-out"),
                                              kubeconfigPath(), QStringLiteral("--prometheus"),
                                              prometheus == Prometheus::Auto ? QStringLiteral("auto") : QStringLiteral("off")}
        + extraArguments;
    m_clock.start();
    // With Prometheus the ready line waits for its first two scrapes (rates need two samples): say so,
    // or the several seconds look like a hang.
    Q_EMIT progress(prometheus == Prometheus::Auto
                        ? tr("Starting the demo cluster and waiting for its Prometheus' first metrics (about 7 s)…")
                        : tr("Starting the demo cluster…"));
    m_process.start(binary, arguments);
}

bool DemoClusterLauncher::waitForReady(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    if (!isReady() && !m_process.waitForStarted(int(deadline.remainingTime())))
        return false;
    while (!isReady() && !deadline.hasExpired() && m_process.state() != QProcess::NotRunning)
        m_process.waitForReadyRead(200);
    return isReady();
}

void DemoClusterLauncher::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopping = true;
    // SIGTERM lets it stop its Prometheus child; waiting here is what quitting must do anyway.
    m_process.terminate();
    if (!m_process.waitForFinished(StopGraceMs))
        m_process.kill();
    m_process.waitForFinished(5000);
}

void DemoClusterLauncher::onOutput()
{
    if (isReady())
        return;
    m_output += m_process.readAllStandardOutput();
    static const QRegularExpression readyLine(QStringLiteral("ready server=(\\S+) kubeconfig=\\S+ prometheus=(\\S+)"));
    const QRegularExpressionMatch match = readyLine.match(QString::fromUtf8(m_output));
    if (!match.hasMatch())
        return;
    m_server = match.captured(1);
    m_prometheus = match.captured(2);
    m_startupMs = m_clock.elapsed();
    Q_EMIT ready();
}

void DemoClusterLauncher::onFinished()
{
    if (isReady() && !m_stopping) {
        m_server.clear();
        Q_EMIT failed(tr("the demo cluster stopped (exit code %1); its log is %2").arg(m_process.exitCode()).arg(logPath()));
    } else if (!isReady()) {
        if (m_stopping) {
            Q_EMIT failed(tr("cancelled"));
            return;
        }
        m_dir.setAutoRemove(false); // keep the log the message points to
        Q_EMIT failed(tr("the demo cluster exited before it was ready (exit code %1); its log is %2")
                          .arg(m_process.exitCode())
                          .arg(logPath()));
    }
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// Starts the real meshdeck-democluster binary on a free loopback port, with its kubeconfig in a
// temporary folder, and says when it is ready (its "ready server=… prometheus=…" line on stdout,
// which with Prometheus comes once Prometheus has data to compute rates from).
// Never blocks: progress and the outcome arrive as signals. Stops the cluster (and so its
// Prometheus) when destroyed, so quitting MeshDeck never leaves one running.
class DemoClusterLauncher : public QObject {
    Q_OBJECT
public:
    enum class Prometheus { Off, Auto };

    explicit DemoClusterLauncher(QObject* parent = nullptr);
    ~DemoClusterLauncher() override;

    // Where the binary is: next to the running executable (an installed MeshDeck), else in the build
    // tree beside app/ (a developer's build); empty when neither exists.
    static QString findBinary();

    // `extraArguments` go to the binary as they are, e.g. {"--services", "30"}.
    void start(const QString& binary, Prometheus prometheus = Prometheus::Auto, const QStringList& extraArguments = {});
    // Blocks until the ready line, an exit or the timeout, for callers without an event loop (test
    // fixtures, benchmarks); the signals are emitted as usual. True when ready.
    bool waitForReady(int timeoutMs);
    // Stops the cluster; a start still in progress ends with failed("cancelled").
    void stop();

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 processId() const { return m_process.processId(); }
    bool isReady() const { return !m_server.isEmpty(); }
    QString kubeconfigPath() const { return m_dir.filePath(QStringLiteral("kubeconfig")); }
    QString logPath() const { return m_dir.filePath(QStringLiteral("democluster.log")); }
    QString workDir() const { return m_dir.path(); }
    QString server() const { return m_server; }
    QString prometheusUrl() const { return m_prometheus; }
    // Milliseconds from start() to the ready line.
    qint64 startupMs() const { return m_startupMs; }

Q_SIGNALS:
    // What is happening while it starts, for a progress line.
    void progress(const QString& message);
    void ready();
    // It could not start, exited before it was ready, or was cancelled; the message says which and
    // where its log is.
    void failed(const QString& message);

private:
    void onOutput();
    void onFinished();

    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    QString m_server;
    QString m_prometheus;
    QElapsedTimer m_clock;
    qint64 m_startupMs = -1;
    bool m_stopping = false;
};

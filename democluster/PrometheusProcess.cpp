// SPDX-License-Identifier: Apache-2.0
#include "PrometheusProcess.h"

#include "Log.h"
#include "TrafficSimulator.h"

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace democluster {

namespace {

// Binds port 0 to learn a free port and releases it. Another process may take it before
// Prometheus does; start() retries then.
int pickFreePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error(std::string("cannot create a socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
                    && ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok)
        throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(errno));
    return ntohs(address.sin_port);
}

} // namespace

std::chrono::seconds PrometheusProcess::scrapeIntervalFor(int services)
{
    if (services > TrafficSimulator::LargeMeshServices)
        return LargeMeshScrapeInterval;
    constexpr int ServicesPerSecond = 400;
    return std::chrono::seconds(std::max(1, (services + ServicesPerSecond - 1) / ServicesPerSecond));
}

PrometheusProcess::PrometheusProcess(std::filesystem::path binary, std::filesystem::path workDir, int metricsPort,
                                     std::chrono::seconds scrapeInterval)
    : m_binary(std::move(binary))
    , m_workDir(std::move(workDir))
    , m_metricsPort(metricsPort)
    , m_scrapeInterval(scrapeInterval)
{
}

PrometheusProcess::~PrometheusProcess()
{
    stop();
}

void PrometheusProcess::writeConfig() const
{
    std::ofstream config(m_workDir / "prometheus.yml");
    const auto interval = std::to_string(m_scrapeInterval.count()) + "s";
    // The timeout is the interval (Prometheus' maximum): a slow scrape of a large mesh is late, not lost.
    config << "# Written by meshdeck-democluster: scrapes the simulated Istio sidecar metrics.\n"
              "global:\n"
              "  scrape_interval: " << interval << "\n"
              "  scrape_timeout: " << interval << "\n"
              "  evaluation_interval: " << interval << "\n"
              "scrape_configs:\n"
              "  - job_name: istio-mesh\n"
              "    static_configs:\n"
              "      - targets: ['127.0.0.1:"
           << m_metricsPort << "']\n";
    if (!config.flush())
        throw std::runtime_error("cannot write " + (m_workDir / "prometheus.yml").string());
}

pid_t PrometheusProcess::spawn(int port) const
{
    const std::vector<std::string> arguments = {
        m_binary.string(),
        "--config.file=" + (m_workDir / "prometheus.yml").string(),
        "--storage.tsdb.path=" + (m_workDir / "data").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(port),
        "--storage.tsdb.retention.time=2h",
    };
    std::vector<char*> argv;
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);

    const int log = ::open(logFile().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0)
        throw std::runtime_error("cannot create " + logFile().string() + ": " + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec: other threads may hold locks.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(1); // the parent died before the death signal was armed
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr); // the parent blocks SIGTERM for sigwait()
        ::signal(SIGPIPE, SIG_DFL);                  // ignored in the parent; exec would keep that
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        const int devNull = ::open("/dev/null", O_RDONLY);
        if (devNull >= 0)
            ::dup2(devNull, STDIN_FILENO);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(log);
    if (pid < 0)
        throw std::runtime_error(std::string("cannot start Prometheus: fork failed: ") + std::strerror(errno));
    return pid;
}

bool PrometheusProcess::waitUntilReady(std::chrono::steady_clock::time_point deadline)
{
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            return false;
        }
        httplib::Client client("127.0.0.1", m_port);
        client.set_connection_timeout(1);
        client.set_read_timeout(2);
        if (auto result = client.Get("/-/ready"); result && result->status == 200)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("Prometheus did not become ready on 127.0.0.1:" + std::to_string(m_port)
                             + " in time; see " + logFile().string());
}

void PrometheusProcess::start(std::chrono::seconds readyTimeout)
{
    if (::access(m_binary.c_str(), X_OK) != 0) {
        throw std::runtime_error(m_binary.string()
                                 + " is missing: install Prometheus (sudo apt-get install prometheus) or start "
                                   "with --prometheus off");
    }
    writeConfig();
    const auto deadline = std::chrono::steady_clock::now() + readyTimeout;
    constexpr int attempts = 3;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
        m_port = pickFreePort();
        m_pid = spawn(m_port);
        try {
            if (waitUntilReady(deadline)) {
                logInfo("Prometheus scrapes the mesh every " + std::to_string(m_scrapeInterval.count()) + " s");
                return;
            }
        } catch (...) {
            stop();
            throw;
        }
        // The child exited early, most likely because the port was taken in the meantime.
    }
    throw std::runtime_error("Prometheus exited during start-up " + std::to_string(attempts) + " times; see "
                             + logFile().string());
}

void PrometheusProcess::stop()
{
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) { // 10 s to flush the TSDB head
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
}

} // namespace democluster

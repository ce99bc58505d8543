// SPDX-License-Identifier: Apache-2.0
#include "ProcessRunner.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

extern char** environ;

namespace kube {

namespace {

// A credential answer is a few kilobytes; these bound what a misbehaving program can make us hold.
constexpr std::size_t MaxStdout = 4 * 1024 * 1024;
constexpr std::size_t MaxStderr = 64 * 1024;

class Fd {
public:
    Fd() = default;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

bool makePipe(Fd& readEnd, Fd& writeEnd)
{
    int fds[2];
    // CLOEXEC: the child gets only the ends dup2'ed onto its stdout/stderr, never the others'.
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd.reset(fds[0]);
    writeEnd.reset(fds[1]);
    return true;
}

std::vector<std::string> environmentFor(const ProcessRunner::Request& request)
{
    std::vector<std::string> env;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string_view line(*entry);
        const auto name = line.substr(0, line.find('='));
        const bool overridden = std::any_of(request.env.begin(), request.env.end(),
                                            [&](const auto& pair) { return pair.first == name; });
        if (!overridden)
            env.emplace_back(line);
    }
    for (const auto& [name, value] : request.env)
        env.push_back(name + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

} // namespace

ProcessRunner::Result ProcessRunner::run(const Request& request)
{
    Result result;
    Fd outRead, outWrite, errRead, errWrite;
    if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite)) {
        result.spawnError = std::strerror(errno);
        return result;
    }

    std::vector<std::string> argvStrings{request.command};
    argvStrings.insert(argvStrings.end(), request.args.begin(), request.args.end());
    std::vector<std::string> envStrings = environmentFor(request);
    std::vector<char*> argv = pointers(argvStrings);
    std::vector<char*> envp = pointers(envStrings);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outWrite.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errWrite.get(), STDERR_FILENO);

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // A process group of its own, so a timeout also ends what the plugin started (aws starts python).
    // The child starts with no blocked signals and SIGPIPE at its default, whatever this thread has.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid = -1;
    const int spawned = ::posix_spawnp(&pid, request.command.c_str(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    outWrite.reset();
    errWrite.reset();
    if (spawned != 0) {
        result.outcome = spawned == ENOENT ? Result::Outcome::NotFound : Result::Outcome::SpawnFailed;
        result.spawnError = std::strerror(spawned);
        return result;
    }

    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    const auto remainingMs = [&] {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        return int(std::max<std::chrono::milliseconds::rep>(0, left.count()));
    };
    bool outOpen = true, errOpen = true;
    std::optional<Result::Outcome> stopped;
    while ((outOpen || errOpen) && !stopped) {
        pollfd fds[3] = {{outOpen ? outRead.get() : -1, POLLIN, 0},
                         {errOpen ? errRead.get() : -1, POLLIN, 0},
                         {request.abortFd, POLLIN, 0}};
        const int ready = ::poll(fds, 3, remainingMs());
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            stopped = Result::Outcome::TimedOut;
            break;
        }
        if (fds[2].revents != 0) {
            stopped = Result::Outcome::Aborted;
            break;
        }
        const auto drain = [](pollfd& p, std::string& into, std::size_t limit, bool& open) {
            if (p.revents == 0)
                return;
            char buffer[8192];
            const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
            if (n > 0) {
                into.append(buffer, std::min(std::size_t(n), limit - std::min(limit, into.size())));
            } else if (n == 0 || errno != EINTR) {
                open = false;
            }
        };
        drain(fds[0], result.out, MaxStdout, outOpen);
        drain(fds[1], result.err, MaxStderr, errOpen);
    }

    // Both pipes closed: the program is (nearly) done; give it until the deadline to exit.
    int status = 0;
    while (!stopped) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            stopped = Result::Outcome::SpawnFailed;
            break;
        }
        if (remainingMs() == 0) {
            stopped = Result::Outcome::TimedOut;
            break;
        }
        // A short nap that an abort cuts short: the program may have closed its output and
        // carried on.
        pollfd abort{request.abortFd, POLLIN, 0};
        if (::poll(&abort, 1, 5) > 0)
            stopped = Result::Outcome::Aborted;
    }
    if (stopped) {
        ::kill(-pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        result.outcome = *stopped;
        return result;
    }
    if (WIFEXITED(status)) {
        result.outcome = Result::Outcome::Exited;
        result.exitCode = WEXITSTATUS(status);
    } else {
        result.outcome = Result::Outcome::Signalled;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return result;
}

} // namespace kube

// SPDX-License-Identifier: Apache-2.0
#pragma once

// A loopback TCP relay in front of a real server, so a test can take "the server" away and bring
// it back on the same port while the server behind keeps its state, certificate and tokens: what an
// API server restart looks like to a client (connections reset, refused while it is down, the same
// cluster afterwards). The demo cluster itself makes a new CA, new tokens and a new store at every
// start, so killing its process would be a different cluster, not a restart.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <thread>
#include <vector>

class TcpRelay {
public:
    explicit TcpRelay(int targetPort)
        : m_targetPort(targetPort)
    {
    }
    ~TcpRelay() { stop(); }
    TcpRelay(const TcpRelay&) = delete;
    TcpRelay& operator=(const TcpRelay&) = delete;

    // Listens on 127.0.0.1:port (0: a free one; later starts reuse the first port). False when the
    // port cannot be bound.
    bool start(int port = 0)
    {
        if (m_thread.joinable())
            return true;
        if (port == 0)
            port = m_port;
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int yes = 1;
        ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        sockaddr_in address = loopback(port);
        socklen_t length = sizeof address;
        if (::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(m_listener, 64) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ::close(m_listener);
            m_listener = -1;
            return false;
        }
        m_port = ntohs(address.sin_port);
        if (::pipe2(m_wake, O_CLOEXEC) != 0)
            return false;
        m_stopping = false;
        m_thread = std::thread([this] { run(); });
        return true;
    }

    // Closes the listener and resets every relayed connection (RST, as when a process dies), so new
    // connections are refused until start() again.
    void stop()
    {
        if (!m_thread.joinable())
            return;
        m_stopping = true;
        const char byte = 0;
        [[maybe_unused]] const auto written = ::write(m_wake[1], &byte, 1);
        m_thread.join();
        ::close(m_wake[0]);
        ::close(m_wake[1]);
    }

    int port() const { return m_port; }
    int accepted() const { return m_accepted; }

private:
    static sockaddr_in loopback(int port)
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return address;
    }

    static void reset(int fd)
    {
        const linger abortive{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        ::close(fd);
    }

    void run()
    {
        std::map<int, int> peers; // both directions: fd -> the other end
        std::vector<char> buffer(64 * 1024);
        while (!m_stopping) {
            std::vector<pollfd> fds{{m_wake[0], POLLIN, 0}, {m_listener, POLLIN, 0}};
            for (const auto& [fd, peer] : peers)
                fds.push_back({fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR)
                break;
            if (fds[1].revents & POLLIN) {
                const int client = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
                const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                const sockaddr_in target = loopback(m_targetPort);
                if (client >= 0 && ::connect(server, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0) {
                    peers[client] = server;
                    peers[server] = client;
                    ++m_accepted;
                } else {
                    if (client >= 0)
                        reset(client);
                    ::close(server);
                }
            }
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (!fds[i].revents || !peers.contains(fds[i].fd))
                    continue;
                const int from = fds[i].fd;
                const int to = peers[from];
                const auto received = ::read(from, buffer.data(), buffer.size());
                bool open = received > 0;
                for (ssize_t sent = 0; open && sent < received;) {
                    const auto n = ::send(to, buffer.data() + sent, std::size_t(received - sent), MSG_NOSIGNAL);
                    open = n > 0;
                    sent += n > 0 ? n : 0;
                }
                if (!open) {
                    ::close(from);
                    ::close(to);
                    peers.erase(from);
                    peers.erase(to);
                }
            }
        }
        for (const auto& [fd, peer] : peers)
            reset(fd);
        ::close(m_listener);
        m_listener = -1;
    }

    const int m_targetPort;
    int m_port = 0;
    int m_listener = -1;
    int m_wake[2] = {-1, -1};
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_accepted{0};
    std::thread m_thread;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the suites that talk to local httplib servers share: an executor the test drives, a gate
// that holds a handler, and a server on a free loopback port.

#include "kubeclient/KubeClient.h"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace testserver {

using namespace std::chrono_literals;

// The executor a GUI would give: tasks are queued and run later on the test thread, so the test
// sees exactly what is delivered and when.
class TaskQueue {
public:
    kube::Executor executor()
    {
        return [this](std::function<void()> task) {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
            ++m_posted;
        };
    }

    int runPending()
    {
        std::deque<std::function<void()>> tasks;
        {
            std::lock_guard lock(m_mutex);
            tasks.swap(m_tasks);
        }
        for (auto& task : tasks)
            task();
        return int(tasks.size());
    }

    bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            runPending();
            if (done())
                return true;
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            std::this_thread::sleep_for(5ms);
        }
    }

    // Waits for a task to be queued without running it.
    bool waitQueued(std::chrono::milliseconds timeout = 10s)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (queued() == 0) {
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }

    int queued() const
    {
        std::lock_guard lock(m_mutex);
        return int(m_tasks.size());
    }

    int posted() const
    {
        std::lock_guard lock(m_mutex);
        return m_posted;
    }

private:
    mutable std::mutex m_mutex;
    std::deque<std::function<void()>> m_tasks;
    int m_posted = 0;
};

// Holds a handler until the test lets it answer.
class Gate {
public:
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, 10s, [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = false;
};

// An httplib server on 127.0.0.1 and a free port, running until destroyed.
class LocalServer {
public:
    explicit LocalServer(std::unique_ptr<httplib::Server> server)
        : m_server(std::move(server))
    {
        m_port = m_server->bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server->listen_after_bind(); });
        // stop() is a no-op until the accept loop runs, so wait for it.
        while (!m_server->is_running())
            std::this_thread::sleep_for(1ms);
    }
    ~LocalServer()
    {
        m_server->stop();
        m_thread.join();
    }

    int port() const { return m_port; }

private:
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
};

} // namespace testserver

using testserver::Gate;
using testserver::LocalServer;
using testserver::TaskQueue;

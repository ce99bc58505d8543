// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <memory>
#include <thread>

namespace httplib {
class SSLServer;
}

namespace democluster {

class ApiServer;
class TlsCredentials;

// Serves an ApiServer over HTTPS on 127.0.0.1 with httplib's thread pool.
class ApiListener {
public:
    ApiListener(const ApiServer& api, const TlsCredentials& credentials);
    ~ApiListener();
    ApiListener(const ApiListener&) = delete;
    ApiListener& operator=(const ApiListener&) = delete;

    // Binds (0: a free port), starts serving and returns the port. Throws std::runtime_error.
    int start(int port);
    void stop();

private:
    const ApiServer& m_api;
    std::unique_ptr<httplib::SSLServer> m_server;
    std::thread m_thread;
    std::atomic<bool> m_finished{false};
};

} // namespace democluster

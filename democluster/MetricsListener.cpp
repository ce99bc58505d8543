// SPDX-License-Identifier: Apache-2.0
#include "MetricsListener.h"

#include "IstioMetrics.h"

#include <httplib.h>

#include <chrono>
#include <stdexcept>

namespace democluster {

MetricsListener::MetricsListener(const IstioMetrics& metrics)
    : m_server(std::make_unique<httplib::Server>())
{
    m_server->Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& response) {
        response.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
}

MetricsListener::~MetricsListener()
{
    stop();
}

int MetricsListener::start()
{
    const int port = m_server->bind_to_any_port("127.0.0.1");
    if (port <= 0)
        throw std::runtime_error("cannot listen for the metrics endpoint on 127.0.0.1");
    m_thread = std::thread([this] {
        m_server->listen_after_bind();
        m_finished = true;
    });
    // httplib's stop() is a no-op until the loop runs: wait, so an early stop() cannot be lost.
    while (!m_server->is_running() && !m_finished)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return port;
}

void MetricsListener::stop()
{
    if (!m_thread.joinable())
        return;
    m_server->stop();
    m_thread.join();
}

} // namespace democluster

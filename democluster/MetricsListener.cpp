// SPDX-License-Identifier: Apache-2.0
#include "MetricsListener.h"

#include "IstioMetrics.h"

#include <httplib.h>

#include <chrono>
#include <string_view>
#include <stdexcept>

namespace democluster {

namespace {

// Large enough that a write is cheap next to rendering it, small enough to stay in cache.
constexpr std::size_t ChunkBytes = 256 * 1024;

} // namespace

MetricsListener::MetricsListener(const IstioMetrics& metrics)
    : m_server(std::make_unique<httplib::Server>())
{
    m_server->Get("/metrics", [&metrics](const httplib::Request& request, httplib::Response& response) {
        // Prometheus asks for OpenMetrics first. It also accepts gzip, which httplib applies to
        // text/* only: on loopback gzip only costs, about 6 ms of CPU per MB here (2.1 s for the
        // 324 MB of a 2,000-service mesh), some 40 times the render, and Prometheus pays again.
        const bool openMetrics = request.get_header_value("Accept").find("application/openmetrics-text") != std::string::npos;
        const auto format = openMetrics ? IstioMetrics::Format::OpenMetrics : IstioMetrics::Format::Text;
        response.set_chunked_content_provider(
            openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                        : "text/plain; version=0.0.4; charset=utf-8",
            [&metrics, format](std::size_t, httplib::DataSink& sink) {
                metrics.render(format, ChunkBytes, [&sink](std::string_view chunk) {
                    return sink.is_writable() && sink.write(chunk.data(), chunk.size());
                });
                sink.done();
                return true;
            });
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

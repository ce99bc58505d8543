// SPDX-License-Identifier: Apache-2.0
#include "ApiListener.h"

#include "ApiRequest.h"
#include "ApiServer.h"
#include "TlsCredentials.h"
#include "ResponseStream.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace democluster {

namespace {

ApiRequest toApiRequest(const httplib::Request& request)
{
    ApiRequest converted;
    converted.method = request.method;
    converted.path = request.path;
    const std::size_t question = request.target.find('?');
    if (question != std::string::npos)
        converted.rawQuery = request.target.substr(question + 1);
    converted.query.insert(request.params.begin(), request.params.end());
    for (const auto& [name, value] : request.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        converted.headers.emplace(std::move(lower), value);
    }
    converted.body = request.body;
    return converted;
}

// How long a stream waits for news before httplib gets control back to check for shutdown: the
// bound on how late a stop() is with watches open.
constexpr std::chrono::milliseconds WatchPollInterval{200};

void streamBody(const std::shared_ptr<ResponseStream>& stream, const std::string& contentType, httplib::Response& response)
{
    response.set_chunked_content_provider(contentType, [stream](std::size_t, httplib::DataSink& sink) {
        std::string chunk;
        const bool more = stream->next(chunk, WatchPollInterval);
        if (!chunk.empty() && !sink.write(chunk.data(), chunk.size()))
            return false; // the client went away: end the stream and free the thread
        if (!more)
            sink.done();
        return true;
    });
}

} // namespace

ApiListener::ApiListener(const ApiServer& api, const TlsCredentials& credentials)
    : m_api(api)
    , m_server(std::make_unique<httplib::SSLServer>(credentials.serverCertificate(), credentials.serverKey()))
{
    if (!m_server->is_valid())
        throw std::runtime_error("cannot set up TLS for the API server");
    const auto handler = [this](const httplib::Request& request, httplib::Response& response) {
        const ApiResponse answer = m_api.handle(toApiRequest(request));
        response.status = answer.status;
        if (answer.stream)
            streamBody(answer.stream, answer.contentType, response);
        else
            response.set_content(answer.body, answer.contentType);
    };
    // Every open watch holds a thread: without room above the watch bound, a few idle watchers
    // would starve ordinary requests.
    const auto threads = static_cast<std::size_t>(api.watchLimits().maxWatches + api.watchLimits().spareThreads);
    m_server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // Without it each small answer waits ~40 ms for the client's delayed ACK (Nagle), and a PATCH
    // round trip on loopback costs 44 ms instead of about one; real API servers (Go) set it too.
    m_server->set_tcp_nodelay(true);
    m_server->Get(".*", handler);
    m_server->Post(".*", handler);
    m_server->Put(".*", handler);
    m_server->Patch(".*", handler);
    m_server->Delete(".*", handler);
    m_server->set_payload_max_length(ApiServer::MaxBodyBytes);
    // httplib answers some failures itself (an oversized body, an unknown method) with an empty
    // body; clients expect a Status.
    m_server->set_error_handler([](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty())
            return;
        const ApiStatus status = response.status == 413 ? ApiStatus::requestEntityTooLarge(ApiServer::MaxBodyBytes)
                                 : response.status == 404 ? ApiStatus::pathNotFound()
                                 : response.status == 405 ? ApiStatus::methodNotAllowed()
                                                          : ApiStatus::badRequest("the request could not be read");
        response.set_content(status.toJson(), "application/json");
    });
    m_server->set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& exception) {
            what = exception.what();
        } catch (...) {
        }
        const ApiStatus status = ApiStatus::internalError(what);
        response.status = status.code();
        response.set_content(status.toJson(), "application/json");
    });
}

ApiListener::~ApiListener()
{
    stop();
}

int ApiListener::start(int port)
{
    int bound = port;
    if (port == 0)
        bound = m_server->bind_to_any_port("127.0.0.1");
    else if (!m_server->bind_to_port("127.0.0.1", port))
        bound = -1;
    if (bound <= 0)
        throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port)
                                 + (port ? ": is the port in use?" : ""));
    m_thread = std::thread([this] {
        m_server->listen_after_bind();
        m_finished = true;
    });
    // httplib's stop() is a no-op until the loop runs: wait, so an early stop() cannot be lost.
    while (!m_server->is_running() && !m_finished)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return bound;
}

void ApiListener::stop()
{
    if (!m_thread.joinable())
        return;
    m_server->stop();
    m_thread.join();
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "KubeClient.h"

#include "WatchStreamDecoder.h"

#include <nlohmann/json.hpp>

#include <mutex>
#include <unordered_map>

namespace kube {

// Which requests may still deliver. A request's token is created before it starts; the executor
// task checks it under the lock right before running, so cancel() wins over a response that has
// already arrived.
struct KubeClient::Deliveries {
    struct Token {
        RequestId id = 0;  // 0 until start() has returned it
        bool cancelled = false;
        bool done = false; // delivered; possibly before start() returned (a very fast answer)
    };

    std::mutex mutex;
    bool closed = false; // the client is gone: nothing delivers any more
    std::unordered_map<RequestId, std::shared_ptr<Token>> pending;
};

namespace {

JsonResult toJsonResult(HttpResponse response, const std::string& url, const std::string& method)
{
    JsonResult result;
    if (!response.credentialError.empty()) {
        result.error = ApiError::credential(std::move(response.credentialError), url);
    } else if (response.status == 0) {
        result.error = ApiError::transport(std::move(response.transportError), url);
    } else if (response.status < 200 || response.status >= 300) {
        result.error = ApiError::fromHttp(response.status, response.body, url);
    } else {
        try {
            result.object = std::make_shared<const nlohmann::json>(nlohmann::json::parse(response.body));
        } catch (const nlohmann::json::exception& e) {
            result.error = ApiError::decode(std::string("the answer is not valid JSON: ") + e.what(), url);
            result.error.httpStatus = response.status;
        }
    }
    if (result.error)
        result.error.method = method;
    return result;
}

} // namespace

KubeClient::KubeClient(ClusterConnection connection, Executor deliver)
    : m_connection(std::move(connection))
    , m_deliver(std::move(deliver))
    , m_deliveries(std::make_shared<Deliveries>())
    , m_transport(std::make_unique<HttpTransport>(m_connection))
{
}

KubeClient::~KubeClient()
{
    {
        std::lock_guard lock(m_deliveries->mutex);
        m_deliveries->closed = true;
        m_deliveries->pending.clear();
    }
    // Joins the I/O thread before m_deliver goes away: completions use it.
    m_transport.reset();
}

RequestId KubeClient::get(const std::string& path, JsonCallback callback)
{
    HttpRequest request;
    request.url = url(path);
    request.headers = {"Accept: application/json"};
    return sendForJson(std::move(request), std::move(callback));
}

RequestId KubeClient::patch(const std::string& path, PatchType type, std::string body, JsonCallback callback)
{
    HttpRequest request;
    request.method = "PATCH";
    request.url = url(path);
    request.headers = {"Accept: application/json",
                       type == PatchType::Merge ? "Content-Type: application/merge-patch+json"
                                                : "Content-Type: application/json-patch+json"};
    request.body = std::move(body);
    return sendForJson(std::move(request), std::move(callback));
}

RequestId KubeClient::sendParsed(HttpRequest request, Parser parse)
{
    auto token = std::make_shared<Deliveries::Token>();
    auto deliveries = m_deliveries;
    auto completion = [this, deliveries, token, parse = std::move(parse)](HttpResponse response) {
        {
            // Spare the parsing when nobody wants the answer any more.
            std::lock_guard lock(deliveries->mutex);
            if (token->cancelled || deliveries->closed)
                return;
        }
        m_deliver([deliveries, token, task = parse(std::move(response))] {
            {
                std::lock_guard lock(deliveries->mutex);
                if (token->cancelled || deliveries->closed)
                    return;
                token->done = true;
                if (token->id != 0)
                    deliveries->pending.erase(token->id);
            }
            task();
        });
    };
    const RequestId id = m_transport->start(std::move(request), std::move(completion));
    std::lock_guard lock(deliveries->mutex);
    token->id = id;
    if (!token->done)
        deliveries->pending.emplace(id, token);
    return id;
}

RequestId KubeClient::watch(const std::string& path, WatchEventCallback onEvent, WatchEndCallback onEnd)
{
    auto token = std::make_shared<Deliveries::Token>();
    auto deliveries = m_deliveries;
    // Every event and the end go through the executor in stream order; each checks for cancel()
    // right before it runs, as sendParsed's single delivery does.
    auto post = [this, deliveries, token](std::function<void()> task, bool last) {
        {
            std::lock_guard lock(deliveries->mutex);
            if (token->cancelled || deliveries->closed)
                return;
        }
        m_deliver([deliveries, token, task = std::move(task), last] {
            {
                std::lock_guard lock(deliveries->mutex);
                if (token->cancelled || deliveries->closed)
                    return;
                if (last) {
                    token->done = true;
                    if (token->id != 0)
                        deliveries->pending.erase(token->id);
                }
            }
            task();
        });
    };

    HttpRequest request;
    request.url = url(path);
    request.headers = {"Accept: application/json"};
    // The server ends a watch after its timeoutSeconds; a total timeout here would cut it short.
    request.timeoutMs = 0;
    auto decoder = std::make_shared<WatchStreamDecoder>();
    request.onData = [decoder, post, onEvent = std::move(onEvent)](std::string_view bytes) {
        return decoder->feed(bytes, [&](WatchEvent event) {
            post([onEvent, event = std::move(event)] { onEvent(event); }, false);
        });
    };
    auto completion = [decoder, post, onEnd = std::move(onEnd), url = request.url](HttpResponse response) {
        ApiError error;
        if (!decoder->error().empty())
            error = ApiError::decode(decoder->error(), url);
        else if (!response.credentialError.empty())
            error = ApiError::credential(std::move(response.credentialError), url);
        else if (response.status == 0)
            error = ApiError::transport(std::move(response.transportError), url);
        else if (response.status < 200 || response.status >= 300)
            error = ApiError::fromHttp(response.status, response.body, url);
        else if (!decoder->atBoundary())
            error = ApiError::decode("the watch stream ended inside an event", url);
        if (error)
            error.method = "GET";
        post([onEnd, error] { onEnd(error); }, true);
    };
    const RequestId id = m_transport->start(std::move(request), std::move(completion));
    std::lock_guard lock(deliveries->mutex);
    token->id = id;
    if (!token->done)
        deliveries->pending.emplace(id, token);
    return id;
}

RequestId KubeClient::sendForJson(HttpRequest request, JsonCallback callback)
{
    // Copied first: the order in which sendParsed's arguments are built is unspecified.
    auto parse = [url = request.url, method = request.method, callback = std::move(callback)](HttpResponse response) {
        return [callback, result = toJsonResult(std::move(response), url, method)] { callback(result); };
    };
    return sendParsed(std::move(request), std::move(parse));
}

void KubeClient::cancel(RequestId id)
{
    {
        std::lock_guard lock(m_deliveries->mutex);
        if (const auto it = m_deliveries->pending.find(id); it != m_deliveries->pending.end()) {
            it->second->cancelled = true;
            m_deliveries->pending.erase(it);
        }
    }
    m_transport->cancel(id);
}

} // namespace kube

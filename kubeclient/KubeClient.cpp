// SPDX-License-Identifier: Apache-2.0
#include "KubeClient.h"

#include "JsonDepth.h"
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
    } else if (nestedDeeperThan(response.body)) {
        result.error = ApiError::decode("the answer is nested deeper than " + std::to_string(MaxJsonDepth) + " levels", url);
        result.error.httpStatus = response.status;
    } else {
        try {
            result.object = std::make_shared<const nlohmann::json>(nlohmann::json::parse(response.body));
        } catch (const nlohmann::json::exception& e) {
            result.error = ApiError::decode(std::string("the answer is not valid JSON: ") + e.what(), url);
            result.error.httpStatus = response.status;
        }
    }
    if (result.error) {
        result.error.method = method;
        result.error.retryAfterSeconds = response.retryAfterSeconds;
    }
    return result;
}

ListResult toListResult(HttpResponse response, const std::string& url)
{
    ListResult result;
    JsonResult parsed = toJsonResult(std::move(response), url, "GET");
    result.error = std::move(parsed.error);
    if (result.error)
        return result;
    // The parsed list is not shared yet, so its items can be moved out rather than copied.
    auto& list = const_cast<nlohmann::json&>(*parsed.object);
    const auto items = list.find("items");
    if (!list.is_object() || (items != list.end() && !items->is_array() && !items->is_null())) {
        result.error = ApiError::decode("the answer is not a list", url);
        result.error.method = "GET";
        return result;
    }
    if (const auto metadata = list.find("metadata"); metadata != list.end() && metadata->is_object()) {
        result.resourceVersion = metadata->value("resourceVersion", "");
        result.continueToken = metadata->value("continue", "");
    }
    std::string itemKind = list.value("kind", "");
    if (itemKind.size() > 4 && itemKind.ends_with("List"))
        itemKind.resize(itemKind.size() - 4);
    else
        itemKind.clear();
    const std::string apiVersion = list.value("apiVersion", "");
    if (items == list.end() || items->is_null())
        return result;
    result.items.reserve(items->size());
    for (auto& item : *items) {
        if (item.is_object() && !itemKind.empty() && !item.contains("kind")) {
            item["kind"] = itemKind;
            item["apiVersion"] = apiVersion;
        }
        result.items.push_back(std::make_shared<const nlohmann::json>(std::move(item)));
    }
    return result;
}

// Adds one query parameter whether or not the path has some already.
std::string withQuery(const std::string& path, const std::string& parameter)
{
    return path + (path.find('?') == std::string::npos ? "?" : "&") + parameter;
}

} // namespace

KubeClient::KubeClient(ClusterConnection connection, Executor deliver, ClientOptions options)
    : m_connection(std::move(connection))
    , m_deliver(std::move(deliver))
    , m_options(options)
    , m_rateLimit(options.qps, options.burst)
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

RequestId KubeClient::list(const std::string& path, ListCallback callback)
{
    HttpRequest request;
    request.url = url(path);
    request.headers = {"Accept: application/json"};
    auto parse = [url = request.url, callback = std::move(callback)](HttpResponse response) {
        return [callback, result = toListResult(std::move(response), url)] { callback(result); };
    };
    return sendParsed(std::move(request), std::move(parse));
}

RequestId KubeClient::put(const std::string& path, std::string body, JsonCallback callback)
{
    HttpRequest request;
    request.method = "PUT";
    request.url = url(path);
    request.headers = {"Accept: application/json", "Content-Type: application/json"};
    request.body = std::move(body);
    return sendForJson(std::move(request), std::move(callback));
}

RequestId KubeClient::create(const std::string& collectionPath, std::string body, JsonCallback callback)
{
    HttpRequest request;
    request.method = "POST";
    request.url = url(collectionPath);
    request.headers = {"Accept: application/json", "Content-Type: application/json"};
    request.body = std::move(body);
    return sendForJson(std::move(request), std::move(callback));
}

RequestId KubeClient::remove(const std::string& path, JsonCallback callback, std::string body)
{
    HttpRequest request;
    request.method = "DELETE";
    request.url = url(path);
    request.headers = {"Accept: application/json"};
    if (!body.empty())
        request.headers.emplace_back("Content-Type: application/json");
    request.body = std::move(body);
    return sendForJson(std::move(request), std::move(callback));
}

RequestId KubeClient::apply(const std::string& path, std::string body, bool force, JsonCallback callback)
{
    HttpRequest request;
    request.method = "PATCH";
    request.url = url(withQuery(withQuery(path, std::string("fieldManager=") + FieldManager),
                                force ? "force=true" : "force=false"));
    request.headers = {"Accept: application/json", "Content-Type: application/apply-patch+yaml"};
    request.body = std::move(body);
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
    request.startDelay += m_rateLimit.reserve();
    if (request.maxRetryAfter.count() == 0)
        request.maxRetryAfter = m_options.maxRetryAfter;
    auto start = [this, &request](HttpTransport::Completion completion) {
        return m_transport->start(std::move(request), std::move(completion));
    };
    return track(start, std::move(parse));
}

RequestId KubeClient::after(std::chrono::milliseconds delay, std::function<void()> task)
{
    auto start = [this, delay](HttpTransport::Completion completion) {
        return m_transport->startTimer(delay, [completion = std::move(completion)] { completion(HttpResponse{}); });
    };
    return track(start, [task = std::move(task)](HttpResponse) { return task; });
}

RequestId KubeClient::track(const std::function<RequestId(HttpTransport::Completion)>& startFn, Parser parse)
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
    const RequestId id = startFn(std::move(completion));
    std::lock_guard lock(deliveries->mutex);
    token->id = id;
    if (!token->done)
        deliveries->pending.emplace(id, token);
    return id;
}

RequestId KubeClient::watch(const std::string& path, WatchEventCallback onEvent, WatchEndCallback onEnd)
{
    auto decoder = std::make_shared<WatchStreamDecoder>();
    auto decode = [decoder, onEvent = std::move(onEvent)](std::string_view bytes, const Post& post) {
        return decoder->feed(bytes, [&](WatchEvent event) { post([onEvent, event = std::move(event)] { onEvent(event); }); });
    };
    auto ended = [decoder, url = url(path)](ApiError error) {
        if (!decoder->error().empty())
            return ApiError::decode(decoder->error(), url);
        if (error.ok() && !decoder->atBoundary())
            return ApiError::decode("the watch stream ended inside an event", url);
        return error;
    };
    return stream(path, std::move(decode), std::move(ended), std::move(onEnd));
}

std::string KubeClient::logPath(const std::string& podPath, const LogOptions& options)
{
    std::string path = podPath + "/log";
    if (!options.container.empty())
        path = withQuery(path, "container=" + options.container);
    if (options.follow)
        path = withQuery(path, "follow=true");
    if (options.previous)
        path = withQuery(path, "previous=true");
    if (options.timestamps)
        path = withQuery(path, "timestamps=true");
    if (options.tailLines)
        path = withQuery(path, "tailLines=" + std::to_string(*options.tailLines));
    if (options.sinceSeconds)
        path = withQuery(path, "sinceSeconds=" + std::to_string(*options.sinceSeconds));
    return path;
}

RequestId KubeClient::streamLog(const std::string& podPath, const LogOptions& options, LogTextCallback onText,
                                WatchEndCallback onEnd)
{
    // A read may end inside a UTF-8 character; its first bytes wait for the rest.
    auto partial = std::make_shared<std::string>();
    auto decode = [partial, onText = std::move(onText)](std::string_view bytes, const Post& post) {
        std::string text = std::move(*partial) + std::string(bytes);
        partial->clear();
        std::size_t lead = text.size();
        // Back over at most three continuation bytes to the lead byte of the last character.
        while (lead > 0 && text.size() - lead < 4 && (static_cast<unsigned char>(text[lead - 1]) & 0xC0) == 0x80)
            --lead;
        if (lead > 0) {
            const auto first = static_cast<unsigned char>(text[lead - 1]);
            const std::size_t length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
            if (text.size() - (lead - 1) < length) {
                *partial = text.substr(lead - 1);
                text.resize(lead - 1);
            }
        }
        if (!text.empty())
            post([onText, text = std::move(text)] { onText(text); });
        return true;
    };
    auto ended = [](ApiError error) { return error; };
    return stream(logPath(podPath, options), std::move(decode), std::move(ended), std::move(onEnd));
}

RequestId KubeClient::stream(const std::string& path, std::function<bool(std::string_view, const Post&)> decode,
                             std::function<ApiError(ApiError)> ended, WatchEndCallback onEnd)
{
    auto token = std::make_shared<Deliveries::Token>();
    auto deliveries = m_deliveries;
    // Every piece and the end go through the executor in stream order; each checks for cancel()
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
    // The server ends a watch after its timeoutSeconds, a followed log when the container ends; a
    // total timeout here would cut them short.
    request.timeoutMs = 0;
    request.startDelay = m_rateLimit.reserve();
    request.onData = [post, decode = std::move(decode)](std::string_view bytes) {
        return decode(bytes, [&post](std::function<void()> task) { post(std::move(task), false); });
    };
    auto completion = [post, ended = std::move(ended), onEnd = std::move(onEnd), url = request.url](HttpResponse response) {
        ApiError error;
        if (!response.credentialError.empty())
            error = ApiError::credential(std::move(response.credentialError), url);
        else if (response.status == 0)
            error = ApiError::transport(std::move(response.transportError), url);
        else if (response.status < 200 || response.status >= 300)
            error = ApiError::fromHttp(response.status, response.body, url);
        // A stream the decoder refused ends as a transport error (the transfer was stopped); the
        // decoder's own words say more.
        error = ended(std::move(error));
        if (error) {
            error.method = "GET";
            error.retryAfterSeconds = response.retryAfterSeconds;
        }
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

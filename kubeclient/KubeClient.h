// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiError.h"
#include "ClusterConnection.h"
#include "HttpTransport.h"
#include "TokenBucket.h"
#include "WatchEvent.h"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kube {

// Runs a function on the thread the caller chose (the GUI thread posts it to its event loop).
using Executor = std::function<void(std::function<void()>)>;

enum class PatchType { Merge, Json };

// How considerate the client is of the API server.
struct ClientOptions {
    // The client-side rate limit, client-go's defaults. Requests over it wait their turn on the I/O
    // thread; the caller never blocks. qps <= 0 turns it off.
    double qps = 5;
    int burst = 10;
    // A 429 with a Retry-After up to this long is retried once after that delay; a longer one (or a
    // second 429) reaches the caller with ApiError::retryAfterSeconds. Watches are never retried
    // here: the informer backs off itself.
    std::chrono::milliseconds maxRetryAfter{10000};
};

// The field manager of MeshDeck's server-side applies.
inline constexpr const char* FieldManager = "meshdeck";

struct JsonResult {
    ApiError error;
    std::shared_ptr<const nlohmann::json> object; // set when error.ok()
};
using JsonCallback = std::function<void(JsonResult)>;

// One page of a LIST, split into its items on the I/O thread.
struct ListResult {
    ApiError error;
    // Each item on its own, so a cache can keep one without the whole list. Items carry apiVersion
    // and kind (filled in from the list's kind where the server leaves them out, as client-go's
    // unstructured decoding does).
    std::vector<std::shared_ptr<const nlohmann::json>> items;
    std::string resourceVersion; // of the list: where a watch starts
    std::string continueToken;   // empty on the last page
};
using ListCallback = std::function<void(ListResult)>;
using WatchEventCallback = std::function<void(WatchEvent)>;
// The end of a watch or log stream: ok when the server closed it (a watch's timeoutSeconds passed,
// a log without follow was all sent, its container ended), else why it broke.
using WatchEndCallback = std::function<void(ApiError)>;

// What part of a container's log to stream (the query of GET .../pods/NAME/log).
struct LogOptions {
    std::string container;            // empty: the pod's only container
    bool follow = true;               // keep streaming what the container writes next
    bool previous = false;            // the previous, crashed instance of the container
    bool timestamps = false;          // prefix each line with its RFC 3339 time
    std::optional<long> tailLines;    // only the last lines
    std::optional<long> sinceSeconds; // only what is newer
};
// Log text in order as it arrives, cut only between UTF-8 characters.
using LogTextCallback = std::function<void(std::string)>;

// The Kubernetes API of one context. Bodies are parsed on the I/O thread; callbacks run through the
// executor given at construction. Destroying the client cancels everything in flight.
class KubeClient {
public:
    KubeClient(ClusterConnection connection, Executor deliver, ClientOptions options = {});
    ~KubeClient();
    KubeClient(const KubeClient&) = delete;
    KubeClient& operator=(const KubeClient&) = delete;

    const ClusterConnection& connection() const { return m_connection; }

    // path is absolute on the server ("/api/v1/namespaces/x/pods?labelSelector=..."). A LIST is a get
    // of a collection path.
    RequestId get(const std::string& path, JsonCallback callback);
    // A page of a collection (path carries limit/continue/selectors as wanted).
    RequestId list(const std::string& path, ListCallback callback);
    RequestId patch(const std::string& path, PatchType type, std::string body, JsonCallback callback);
    // UPDATE: PUT of the whole object; its metadata.resourceVersion makes it conditional (409 when stale).
    RequestId put(const std::string& path, std::string body, JsonCallback callback);
    // CREATE: POST to the collection path.
    RequestId create(const std::string& collectionPath, std::string body, JsonCallback callback);
    // DELETE; body is an optional DeleteOptions (e.g. preconditions.resourceVersion, propagationPolicy).
    // The result is what the server returns: the object (possibly still terminating) or a Status.
    RequestId remove(const std::string& path, JsonCallback callback, std::string body = {});
    // Server-side apply of body (JSON or YAML) as fieldManager=meshdeck; creates the object when
    // missing. force takes over fields other managers own instead of failing with 409.
    RequestId apply(const std::string& path, std::string body, bool force, JsonCallback callback);
    // Streams a watch (path carries watch=true and its resourceVersion): events are decoded on the
    // I/O thread as bytes arrive and delivered in order through the executor, then onEnd once.
    // After cancel() neither is called.
    RequestId watch(const std::string& path, WatchEventCallback onEvent, WatchEndCallback onEnd);
    // Streams a container's log: podPath is the pod's object path, the /log subresource is added.
    // Text and then onEnd arrive like a watch's events (in order, through the executor, nothing
    // after cancel()). (The /status subresource needs nothing special: get, put and patch
    // objectPath + "/status".)
    RequestId streamLog(const std::string& podPath, const LogOptions& options, LogTextCallback onText,
                        WatchEndCallback onEnd);
    // The path and query streamLog asks for (for tests and previews).
    static std::string logPath(const std::string& podPath, const LogOptions& options);

    std::string url(const std::string& path) const { return m_connection.server + path; }

    // What get/patch are built on, for answers of any shape (e.g. the Prometheus API through the
    // service proxy): parse runs on the I/O thread and returns the task to run through the
    // executor; cancel() also stops a task whose response has already arrived.
    using Parser = std::function<std::function<void()>(HttpResponse)>;
    // The request waits for the client-side rate limit first and, unless the request sets its own,
    // gets the client's maxRetryAfter.
    RequestId sendParsed(HttpRequest request, Parser parse);

    // Runs task through the executor after delay (backoffs); cancel() stops it like a request.
    RequestId after(std::chrono::milliseconds delay, std::function<void()> task);

    // After cancel() returns, the callback is not run, even if its response is already parsed and
    // waiting in the executor. (A callback already running on another thread cannot be stopped.)
    void cancel(RequestId id);

private:
    struct Deliveries;

    RequestId sendForJson(HttpRequest request, JsonCallback callback);
    // A streaming GET shared by watch and streamLog. decode runs on the I/O thread for each piece of
    // a 2xx body and hands what it makes to `post` (false stops the stream); ended says how the stream
    // finished given the transport's verdict (ok or an error), and goes to onEnd last.
    using Post = std::function<void(std::function<void()>)>;
    RequestId stream(const std::string& path, std::function<bool(std::string_view, const Post&)> decode,
                     std::function<ApiError(ApiError)> ended, WatchEndCallback onEnd);
    // Creates a delivery token, starts through startFn (given the completion) and registers the id.
    RequestId track(const std::function<RequestId(HttpTransport::Completion)>& startFn, Parser parse);

    ClusterConnection m_connection;
    Executor m_deliver;
    ClientOptions m_options;
    TokenBucket m_rateLimit;
    // Shared with the tasks handed to the executor, which may run after the client is gone.
    std::shared_ptr<Deliveries> m_deliveries;
    std::unique_ptr<HttpTransport> m_transport;
};

} // namespace kube

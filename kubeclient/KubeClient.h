// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiError.h"
#include "ClusterConnection.h"
#include "HttpTransport.h"
#include "WatchEvent.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>

namespace kube {

// Runs a function on the thread the caller chose (the GUI thread posts it to its event loop).
using Executor = std::function<void(std::function<void()>)>;

enum class PatchType { Merge, Json };

struct JsonResult {
    ApiError error;
    std::shared_ptr<const nlohmann::json> object; // set when error.ok()
};
using JsonCallback = std::function<void(JsonResult)>;
using WatchEventCallback = std::function<void(WatchEvent)>;
// The end of a watch: ok when the server closed it (its timeoutSeconds passed), else why it broke.
using WatchEndCallback = std::function<void(ApiError)>;

// The Kubernetes API of one context. Bodies are parsed on the I/O thread; callbacks run through the
// executor given at construction. Destroying the client cancels everything in flight.
class KubeClient {
public:
    KubeClient(ClusterConnection connection, Executor deliver);
    ~KubeClient();
    KubeClient(const KubeClient&) = delete;
    KubeClient& operator=(const KubeClient&) = delete;

    const ClusterConnection& connection() const { return m_connection; }

    // path is absolute on the server ("/api/v1/namespaces/x/pods?labelSelector=..."). A LIST is a get
    // of a collection path.
    RequestId get(const std::string& path, JsonCallback callback);
    RequestId patch(const std::string& path, PatchType type, std::string body, JsonCallback callback);
    // Streams a watch (path carries watch=true and its resourceVersion): events are decoded on the
    // I/O thread as bytes arrive and delivered in order through the executor, then onEnd once.
    // After cancel() neither is called.
    RequestId watch(const std::string& path, WatchEventCallback onEvent, WatchEndCallback onEnd);

    std::string url(const std::string& path) const { return m_connection.server + path; }

    // What get/patch are built on, for answers of any shape (e.g. the Prometheus API through the
    // service proxy): parse runs on the I/O thread and returns the task to run through the
    // executor; cancel() also stops a task whose response has already arrived.
    using Parser = std::function<std::function<void()>(HttpResponse)>;
    RequestId sendParsed(HttpRequest request, Parser parse);

    // After cancel() returns, the callback is not run, even if its response is already parsed and
    // waiting in the executor. (A callback already running on another thread cannot be stopped.)
    void cancel(RequestId id);

private:
    struct Deliveries;

    RequestId sendForJson(HttpRequest request, JsonCallback callback);

    ClusterConnection m_connection;
    Executor m_deliver;
    // Shared with the tasks handed to the executor, which may run after the client is gone.
    std::shared_ptr<Deliveries> m_deliveries;
    std::unique_ptr<HttpTransport> m_transport;
};

} // namespace kube

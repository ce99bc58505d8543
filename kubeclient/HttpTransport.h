// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ClusterConnection.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kube {

using RequestId = std::uint64_t;

struct HttpRequest {
    std::string method = "GET";
    std::string url;                  // absolute
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    long timeoutMs = 30000;           // 0: no limit (watches, which the server ends itself)
    // When set, each piece of a 2xx body is handed to it on the I/O thread as it arrives (watch
    // streams, logs) instead of being collected in HttpResponse::body; returning false stops the
    // transfer, which then completes with a transport error. Other statuses are collected as usual.
    std::function<bool(std::string_view)> onData;
    // Sent no earlier than this after start(): rate limits and backoffs wait on the I/O thread, never
    // in the caller.
    std::chrono::milliseconds startDelay{0};
    // A 429 whose Retry-After asks for at most this long is sent once more after that wait (the API
    // server's priority and fairness expects clients to come back). 0: every 429 goes to the caller.
    // As in client-go, a 429 without Retry-After is not retried.
    std::chrono::milliseconds maxRetryAfter{0};
};

struct HttpResponse {
    long status = 0;           // 0 when the request never got an answer
    std::string body;
    std::string contentType;
    std::string transportError; // curl's message when status is 0
    std::string credentialError; // set (with status 0) when no credential could be obtained
    long retryAfterSeconds = -1; // the Retry-After header (delay-seconds form); -1 when absent
};

// One I/O thread running libcurl's multi interface, with the TLS and authentication settings of one
// ClusterConnection applied to every request (HTTP/2 when the server offers it, so requests share a
// connection). start() and cancel() are thread-safe and never block on the network.
// With a credential source, every request asks it for the credential first (without blocking the
// I/O thread), and a 401 answer renews the credential and sends the request once more.
class HttpTransport {
public:
    using Completion = std::function<void(HttpResponse)>; // runs on the I/O thread

    explicit HttpTransport(ClusterConnection connection);
    ~HttpTransport(); // cancels what is in flight and joins the I/O thread
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    RequestId start(HttpRequest request, Completion completion);
    // Calls due on the I/O thread after delay unless cancelled first: backoffs wait without a
    // thread of their own. Shares the ids and cancel() of requests.
    RequestId startTimer(std::chrono::milliseconds delay, std::function<void()> due);
    // The completion of a cancelled request is never called.
    void cancel(RequestId id);

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace kube

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ClusterConnection.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kube {

using RequestId = std::uint64_t;

struct HttpRequest {
    std::string method = "GET";
    std::string url;                  // absolute
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    long timeoutMs = 30000;
};

struct HttpResponse {
    long status = 0;           // 0 when the request never got an answer
    std::string body;
    std::string contentType;
    std::string transportError; // curl's message when status is 0
};

// One I/O thread running libcurl's multi interface, with the TLS and authentication settings of one
// ClusterConnection applied to every request (HTTP/2 when the server offers it, so requests share a
// connection). start() and cancel() are thread-safe and never block on the network.
class HttpTransport {
public:
    using Completion = std::function<void(HttpResponse)>; // runs on the I/O thread

    explicit HttpTransport(ClusterConnection connection);
    ~HttpTransport(); // cancels what is in flight and joins the I/O thread
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    RequestId start(HttpRequest request, Completion completion);
    // The completion of a cancelled request is never called.
    void cancel(RequestId id);

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace kube

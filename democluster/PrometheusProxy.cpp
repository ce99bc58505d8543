// SPDX-License-Identifier: Apache-2.0
#include "PrometheusProxy.h"

#include "ApiRequest.h"

#include <httplib.h>

namespace democluster {

ApiResponse PrometheusProxy::forward(const ApiRequest& request, const std::string& path) const
{
    const int port = m_targetPort.load();
    if (port == 0) {
        return ApiResponse::failure(ApiStatus::serviceUnavailable(
            "no endpoints available for service \"prometheus:9090\": the demo cluster runs without "
            "Prometheus (start it with --prometheus auto)"));
    }
    if (request.method != "GET" && request.method != "POST")
        return ApiResponse::failure(ApiStatus::methodNotAllowed());

    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2);
    client.set_read_timeout(60);
    // The query arrives already encoded; encoding it again would turn '+' into a literal plus.
    client.set_url_encode(false);
    const std::string target = '/' + path + (request.rawQuery.empty() ? "" : '?' + request.rawQuery);
    httplib::Headers headers;
    if (const std::string accept = request.header("accept"); !accept.empty())
        headers.emplace("Accept", accept);

    const std::string contentType = request.header("content-type");
    auto result = request.method == "GET"
                      ? client.Get(target, headers)
                      : client.Post(target, headers, request.body,
                                    contentType.empty() ? "application/x-www-form-urlencoded" : contentType);
    if (!result) {
        return ApiResponse::failure(ApiStatus::serviceUnavailable(
            "error trying to reach service: dial tcp 127.0.0.1:" + std::to_string(port) + ": "
            + httplib::to_string(result.error())));
    }
    const std::string upstreamType = result->get_header_value("Content-Type");
    return ApiResponse{result->status, upstreamType.empty() ? "text/plain" : upstreamType, result->body, {}};
}

} // namespace democluster

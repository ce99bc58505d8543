// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiStatus.h"

#include <memory>
#include <string>

namespace democluster {

class ResponseStream;

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    // Set for a watch or a followed log: the body is this stream's output, sent chunked as it comes.
    std::shared_ptr<ResponseStream> stream;

    static ApiResponse json(std::string body, int status = 200) { return {status, "application/json", std::move(body), {}}; }
    static ApiResponse failure(const ApiStatus& error) { return {error.code(), "application/json", error.toJson(), {}}; }
    // The media-type parameter of a watch is what kube-apiserver itself sends for protobuf watches;
    // here it also keeps httplib from gzipping the stream (it compresses exactly "application/json"
    // and text/* when the client accepts gzip), which would hold events in zlib's buffer.
    static ApiResponse streaming(std::shared_ptr<ResponseStream> stream,
                                 std::string contentType = "application/json;stream=watch")
    {
        return {200, std::move(contentType), {}, std::move(stream)};
    }
};

} // namespace democluster

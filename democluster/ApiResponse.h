// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiStatus.h"

#include <memory>
#include <string>

namespace democluster {

class WatchStream;

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    // Set for a watch: the body is this stream's output, sent chunked as it comes.
    std::shared_ptr<WatchStream> stream;

    static ApiResponse json(std::string body, int status = 200) { return {status, "application/json", std::move(body), {}}; }
    static ApiResponse failure(const ApiStatus& error) { return {error.code(), "application/json", error.toJson(), {}}; }
    static ApiResponse streaming(std::shared_ptr<WatchStream> stream) { return {200, "application/json", {}, std::move(stream)}; }
};

} // namespace democluster

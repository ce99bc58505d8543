// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiStatus.h"

#include <string>

namespace democluster {

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;

    static ApiResponse json(std::string body, int status = 200) { return {status, "application/json", std::move(body)}; }
    static ApiResponse failure(const ApiStatus& error) { return {error.code(), "application/json", error.toJson()}; }
};

} // namespace democluster

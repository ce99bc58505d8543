// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>

namespace democluster {

// An HTTP request as the API server sees it, independent of any socket library so the routing
// logic can be driven directly from tests.
struct ApiRequest {
    std::string method;   // "GET", "PATCH", ...
    std::string path;     // percent-decoded, without the query
    std::string rawQuery; // as received, without '?': forwarded untouched by the service proxy
    std::multimap<std::string, std::string> query;
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;

    std::string header(const std::string& lowerCaseName) const
    {
        const auto found = headers.find(lowerCaseName);
        return found == headers.end() ? std::string() : found->second;
    }
    std::string param(const std::string& name) const
    {
        const auto found = query.find(name);
        return found == query.end() ? std::string() : found->second;
    }
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace democluster {

class ResourceRegistry;
struct ResourceType;

// A resource URL taken apart: /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUBRESOURCE/...]] and the same
// under /apis/GROUP/VERSION.
struct ApiPath {
    const ResourceType* type = nullptr;
    std::string namespaceName; // empty: cluster-scoped, or all namespaces for a namespaced collection
    std::string name;          // empty: the collection
    std::string subresource;   // "proxy", "status", ...
    std::string remainder;     // what follows the subresource, e.g. the proxied path

    // nullopt when the path names no served resource type.
    static std::optional<ApiPath> parse(std::string_view path, const ResourceRegistry& registry);
};

} // namespace democluster

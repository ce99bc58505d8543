// SPDX-License-Identifier: Apache-2.0
#include "ApiPath.h"

#include "ResourceRegistry.h"

namespace democluster {

namespace {

std::vector<std::string> splitSegments(std::string_view path)
{
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        if (end > start)
            segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

std::string joinFrom(const std::vector<std::string>& segments, std::size_t first, bool trailingSlash)
{
    std::string result;
    for (std::size_t i = first; i < segments.size(); ++i)
        result += (i > first ? "/" : "") + segments[i];
    if (trailingSlash && !result.empty())
        result += '/';
    return result;
}

} // namespace

std::optional<ApiPath> ApiPath::parse(std::string_view path, const ResourceRegistry& registry)
{
    const auto segments = splitSegments(path);
    std::string group;
    std::string version;
    std::size_t next = 0;
    if (segments.size() >= 2 && segments[0] == "api") {
        version = segments[1];
        next = 2;
    } else if (segments.size() >= 3 && segments[0] == "apis") {
        group = segments[1];
        version = segments[2];
        next = 3;
    } else {
        return std::nullopt;
    }
    if (next >= segments.size())
        return std::nullopt;

    ApiPath result;
    // /namespaces/NS/PLURAL... addresses a namespaced collection; /namespaces and /namespaces/NS on
    // their own address the cluster-scoped Namespace objects.
    if (segments[next] == "namespaces" && segments.size() > next + 2) {
        result.namespaceName = segments[next + 1];
        next += 2;
        result.type = registry.find(group, version, segments[next]);
        if (!result.type || !result.type->namespaced)
            return std::nullopt;
    } else {
        result.type = registry.find(group, version, segments[next]);
        if (!result.type)
            return std::nullopt;
    }
    ++next;
    if (next < segments.size())
        result.name = segments[next++];
    if (next < segments.size())
        result.subresource = segments[next++];
    result.remainder = joinFrom(segments, next, path.size() > 1 && path.back() == '/');
    return result;
}

} // namespace democluster

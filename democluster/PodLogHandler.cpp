// SPDX-License-Identifier: Apache-2.0
#include "PodLogHandler.h"

#include "ApiPath.h"
#include "ApiRequest.h"
#include "LogStream.h"
#include "ObjectStore.h"
#include "PodLogs.h"
#include "ResourceType.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace democluster {

namespace {

std::optional<std::uint64_t> number(const std::string& text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

bool flag(const ApiRequest& request, const char* name)
{
    return request.param(name) == "true" || request.param(name) == "1";
}

} // namespace

PodLogHandler::PodLogHandler(const ObjectStore& store, const PodLogs& logs)
    : m_store(store)
    , m_logs(logs)
{
}

ApiResponse PodLogHandler::handle(const ApiRequest& request, const ApiPath& path) const
{
    if (request.method != "GET")
        return ApiResponse::failure(ApiStatus::methodNotAllowed(*path.type, request.method));
    nlohmann::json pod;
    if (auto error = m_store.get(*path.type, path.namespaceName, path.name, pod))
        return ApiResponse::failure(*error);

    std::vector<std::string> containers;
    const auto spec = pod.value("spec", nlohmann::json::object());
    for (const auto& container : spec.value("containers", nlohmann::json::array())) {
        if (container.is_object() && container.value("name", nlohmann::json()).is_string())
            containers.push_back(container["name"].get<std::string>());
    }
    std::string container = request.param("container");
    if (container.empty()) {
        if (containers.size() != 1) {
            std::string names;
            for (const auto& name : containers)
                names += (names.empty() ? "" : " ") + name;
            return ApiResponse::failure(ApiStatus::badRequest("a container name must be specified for pod " + path.name
                                                              + ", choose one of: [" + names + ']'));
        }
        container = containers.front();
    } else if (std::find(containers.begin(), containers.end(), container) == containers.end()) {
        return ApiResponse::failure(
            ApiStatus::badRequest("container " + container + " is not valid for pod " + path.name));
    }

    LogStream::Options options;
    options.timestamps = flag(request, "timestamps");
    if (const std::string text = request.param("limitBytes"); !text.empty()) {
        const auto limit = number(text);
        if (!limit || *limit == 0)
            return ApiResponse::failure(ApiStatus::badRequest("limitBytes must be a positive integer"));
        options.limitBytes = limit;
    }
    const std::string key = path.namespaceName + '/' + path.name;
    std::uint64_t from = 0;
    if (const std::string text = request.param("tailLines"); !text.empty()) {
        const auto lines = number(text);
        if (!lines)
            return ApiResponse::failure(ApiStatus::badRequest("tailLines must be a non-negative integer"));
        from = m_logs.tailStart(key, container, *lines);
    }
    auto stream = std::make_shared<LogStream>(m_logs, key, container, from, options);
    // A followed log goes out as octet-stream: httplib gzips text/* when the client accepts it (Go's
    // client always does), and the compressor would hold the lines back until the stream ends.
    if (flag(request, "follow"))
        return ApiResponse::streaming(std::move(stream), "application/octet-stream");
    std::string body;
    stream->next(body, std::chrono::milliseconds(0));
    return {200, "text/plain", std::move(body), {}};
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "OpenApiDocuments.h"

#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <sstream>

namespace democluster {

namespace {

std::string pathOf(std::string_view group, std::string_view version)
{
    return group.empty() ? "api/" + std::string(version) : "apis/" + std::string(group) + '/' + std::string(version);
}

nlohmann::json operation(const ResourceType& type, const char* action)
{
    return {{"operationId", std::string(action) + type.kind},
            {"x-kubernetes-action", action},
            {"x-kubernetes-group-version-kind", {{"group", type.group}, {"version", type.version}, {"kind", type.kind}}},
            {"responses", {{"200", {{"description", "OK"}}}}}};
}

nlohmann::json fieldValidation()
{
    return {{"name", "fieldValidation"},
            {"in", "query"},
            {"description", "fieldValidation instructs the server on how to handle objects in the request containing "
                            "unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."},
            {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

nlohmann::json document(const ResourceRegistry& registry, std::string_view group, std::string_view version)
{
    nlohmann::json paths = nlohmann::json::object();
    for (const ResourceType* type : registry.typesIn(group, version)) {
        const std::string collection = '/' + pathOf(group, version) + (type->namespaced ? "/namespaces/{namespace}/" : "/")
                                       + type->plural;
        nlohmann::json patch = operation(*type, "patch");
        patch["parameters"] = nlohmann::json::array({fieldValidation()});
        nlohmann::json post = operation(*type, "post");
        post["parameters"] = nlohmann::json::array({fieldValidation()});
        if (type->createOnly) {
            paths[collection] = {{"post", post}};
            continue;
        }
        paths[collection] = {{"get", operation(*type, "list")}, {"post", post}};
        paths[collection + "/{name}"] = {{"get", operation(*type, "get")}, {"patch", patch}};
    }
    return {{"openapi", "3.0.0"},
            {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
            {"paths", std::move(paths)},
            {"components", {{"schemas", nlohmann::json::object()}}}};
}

} // namespace

OpenApiDocuments::OpenApiDocuments(const ResourceRegistry& registry)
    : m_registry(registry)
{
}

std::string OpenApiDocuments::root() const
{
    nlohmann::json paths = nlohmann::json::object();
    const auto add = [&](std::string_view group, const std::string& version) {
        // The hash lets kubectl cache a document until it changes; the content is the hash input.
        std::ostringstream hash;
        hash << std::hex << std::hash<std::string>{}(document(m_registry, group, version).dump());
        const std::string path = pathOf(group, version);
        paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash.str()}};
    };
    for (const auto& version : m_registry.versionsOf(""))
        add("", version);
    for (const auto& group : m_registry.groups()) {
        for (const auto& version : m_registry.versionsOf(group))
            add(group, version);
    }
    return nlohmann::json{{"paths", std::move(paths)}}.dump();
}

std::optional<std::string> OpenApiDocuments::groupVersion(std::string_view group, std::string_view version) const
{
    if (m_registry.typesIn(group, version).empty())
        return std::nullopt;
    return document(m_registry, group, version).dump();
}

} // namespace democluster

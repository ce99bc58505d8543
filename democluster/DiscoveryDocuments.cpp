// SPDX-License-Identifier: Apache-2.0
#include "DiscoveryDocuments.h"

#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace democluster {

namespace {

// Verbs the demo cluster really implements.
const nlohmann::json servedVerbs = {"create", "delete", "get", "list", "patch", "update", "watch"};

nlohmann::json groupDocument(const ResourceRegistry& registry, const std::string& name)
{
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& version : registry.versionsOf(name))
        versions.push_back({{"groupVersion", name + '/' + version}, {"version", version}});
    return {{"name", name}, {"versions", versions}, {"preferredVersion", versions.front()}};
}

// What a subresource answers with and which verbs it takes, as kube-apiserver lists them.
std::pair<std::string, nlohmann::json> subresourceShape(const std::string& subresource)
{
    if (subresource == "log")
        return {"Pod", {"get"}};
    return {"ServiceProxyOptions", {"create", "get"}};
}

nlohmann::json aggregatedResource(const ResourceType& type)
{
    nlohmann::json resource = {
        {"resource", type.plural},
        {"responseKind", {{"group", type.group}, {"version", type.version}, {"kind", type.kind}}},
        {"scope", type.namespaced ? "Namespaced" : "Cluster"},
        {"singularResource", type.singular},
        {"verbs", type.createOnly ? nlohmann::json::array({"create"}) : servedVerbs}};
    if (!type.shortNames.empty())
        resource["shortNames"] = type.shortNames;
    if (!type.categories.empty())
        resource["categories"] = type.categories;
    nlohmann::json subresources = nlohmann::json::array();
    for (const auto& subresource : type.subresources) {
        const auto& [kind, verbs] = subresourceShape(subresource);
        subresources.push_back({{"subresource", subresource},
                                {"responseKind", {{"group", ""}, {"version", "v1"}, {"kind", kind}}},
                                {"verbs", verbs}});
    }
    if (!subresources.empty())
        resource["subresources"] = std::move(subresources);
    return resource;
}

nlohmann::json aggregatedGroup(const ResourceRegistry& registry, const std::string& name)
{
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& version : registry.versionsOf(name)) {
        nlohmann::json resources = nlohmann::json::array();
        for (const ResourceType* type : registry.typesIn(name, version))
            resources.push_back(aggregatedResource(*type));
        versions.push_back({{"version", version}, {"resources", std::move(resources)}, {"freshness", "Current"}});
    }
    nlohmann::json metadata = {{"creationTimestamp", nullptr}};
    if (!name.empty())
        metadata["name"] = name;
    return {{"metadata", std::move(metadata)}, {"versions", std::move(versions)}};
}

} // namespace

bool DiscoveryDocuments::aggregatedWanted(std::string_view accept)
{
    // Any alternative naming the v2 list will do; v2beta1 alone is not served.
    std::size_t start = 0;
    while (start < accept.size()) {
        const std::size_t end = std::min(accept.find(',', start), accept.size());
        std::string alternative(accept.substr(start, end - start));
        alternative.erase(std::remove(alternative.begin(), alternative.end(), ' '), alternative.end());
        alternative += ';';
        if (alternative.find(";as=APIGroupDiscoveryList;") != std::string::npos
            && alternative.find(";g=apidiscovery.k8s.io;") != std::string::npos
            && alternative.find(";v=v2;") != std::string::npos)
            return true;
        start = end + 1;
    }
    return false;
}

std::string DiscoveryDocuments::aggregated(bool core) const
{
    nlohmann::json items = nlohmann::json::array();
    if (core) {
        items.push_back(aggregatedGroup(m_registry, ""));
    } else {
        for (const auto& name : m_registry.groups())
            items.push_back(aggregatedGroup(m_registry, name));
    }
    return nlohmann::json{{"kind", "APIGroupDiscoveryList"},
                          {"apiVersion", "apidiscovery.k8s.io/v2"},
                          {"metadata", nlohmann::json::object()},
                          {"items", std::move(items)}}
        .dump();
}

DiscoveryDocuments::DiscoveryDocuments(const ResourceRegistry& registry)
    : m_registry(registry)
{
}

std::string DiscoveryDocuments::version()
{
    return nlohmann::json{{"major", "1"},
                          {"minor", "32"},
                          {"gitVersion", "v1.32.0-meshdeck-demo"},
                          {"gitCommit", "0000000000000000000000000000000000000000"},
                          {"gitTreeState", "clean"},
                          {"buildDate", "2026-01-01T00:00:00Z"},
                          {"goVersion", "go1.23.0"},
                          {"compiler", "gc"},
                          {"platform", "linux/amd64"}}
        .dump();
}

std::string DiscoveryDocuments::coreVersions() const
{
    return nlohmann::json{{"kind", "APIVersions"},
                          {"versions", m_registry.versionsOf("")},
                          {"serverAddressByClientCIDRs", nlohmann::json::array()}}
        .dump();
}

std::string DiscoveryDocuments::groupList() const
{
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& name : m_registry.groups())
        groups.push_back(groupDocument(m_registry, name));
    return nlohmann::json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}}.dump();
}

std::optional<std::string> DiscoveryDocuments::group(std::string_view name) const
{
    if (name.empty() || m_registry.versionsOf(name).empty())
        return std::nullopt;
    auto document = groupDocument(m_registry, std::string(name));
    document["kind"] = "APIGroup";
    document["apiVersion"] = "v1";
    return document.dump();
}

std::optional<std::string> DiscoveryDocuments::resourceList(std::string_view group, std::string_view version) const
{
    const auto types = m_registry.typesIn(group, version);
    if (types.empty())
        return std::nullopt;
    nlohmann::json resources = nlohmann::json::array();
    for (const auto* type : types) {
        nlohmann::json resource = {{"name", type->plural},
                                   {"singularName", type->singular},
                                   {"namespaced", type->namespaced},
                                   {"kind", type->kind},
                                   {"verbs", type->createOnly ? nlohmann::json::array({"create"}) : servedVerbs}};
        if (!type->shortNames.empty())
            resource["shortNames"] = type->shortNames;
        if (!type->categories.empty())
            resource["categories"] = type->categories;
        resources.push_back(std::move(resource));
        for (const auto& subresource : type->subresources) {
            const auto& [kind, verbs] = subresourceShape(subresource);
            resources.push_back({{"name", type->plural + '/' + subresource},
                                 {"singularName", ""},
                                 {"namespaced", type->namespaced},
                                 {"kind", kind},
                                 {"verbs", verbs}});
        }
    }
    const std::string groupVersion = group.empty() ? std::string(version) : std::string(group) + '/' + std::string(version);
    return nlohmann::json{{"kind", "APIResourceList"},
                          {"apiVersion", "v1"},
                          {"groupVersion", groupVersion},
                          {"resources", resources}}
        .dump();
}

} // namespace democluster

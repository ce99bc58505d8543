// SPDX-License-Identifier: Apache-2.0
#include "DiscoveryDocuments.h"

#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

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

} // namespace

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
        // The service proxy subresource, so clients can discover the Prometheus path.
        if (type->group.empty() && type->plural == "services") {
            resources.push_back({{"name", "services/proxy"},
                                 {"singularName", ""},
                                 {"namespaced", true},
                                 {"kind", "ServiceProxyOptions"},
                                 {"verbs", {"create", "get"}}});
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

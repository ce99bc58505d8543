// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace democluster {

class ResourceRegistry;

// The discovery documents, built from the resource table: legacy (APIVersions, APIGroupList,
// APIResourceList) and aggregated (APIGroupDiscoveryList, one document with every resource).
// kubectl asks for aggregated discovery first and goes by the response Content-Type.
class DiscoveryDocuments {
public:
    // The media type of aggregated discovery, sent back as the Content-Type when it is served.
    static constexpr const char* AggregatedMediaType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    explicit DiscoveryDocuments(const ResourceRegistry& registry);

    // Does this Accept header take aggregated discovery (apidiscovery.k8s.io v2)?
    static bool aggregatedWanted(std::string_view accept);

    static std::string version();           // GET /version
    std::string coreVersions() const;       // GET /api: APIVersions
    std::string groupList() const;          // GET /apis: APIGroupList
    // GET /apis/GROUP: APIGroup; nullopt for an unknown group.
    std::optional<std::string> group(std::string_view name) const;
    // GET /api/v1 or /apis/GROUP/VERSION: APIResourceList; nullopt when nothing is served there.
    std::optional<std::string> resourceList(std::string_view group, std::string_view version) const;
    // GET /api (core: true) or /apis (false) in the aggregated form.
    std::string aggregated(bool core) const;

private:
    const ResourceRegistry& m_registry;
};

} // namespace democluster

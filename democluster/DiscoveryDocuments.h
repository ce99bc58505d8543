// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace democluster {

class ResourceRegistry;

// The legacy (non-aggregated) discovery documents, built from the resource table. kubectl asks for
// aggregated discovery first but accepts these: it goes by the response Content-Type.
class DiscoveryDocuments {
public:
    explicit DiscoveryDocuments(const ResourceRegistry& registry);

    static std::string version();           // GET /version
    std::string coreVersions() const;       // GET /api: APIVersions
    std::string groupList() const;          // GET /apis: APIGroupList
    // GET /apis/GROUP: APIGroup; nullopt for an unknown group.
    std::optional<std::string> group(std::string_view name) const;
    // GET /api/v1 or /apis/GROUP/VERSION: APIResourceList; nullopt when nothing is served there.
    std::optional<std::string> resourceList(std::string_view group, std::string_view version) const;

private:
    const ResourceRegistry& m_registry;
};

} // namespace democluster

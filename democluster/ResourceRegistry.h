// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ResourceType.h"

#include <string>
#include <string_view>
#include <vector>

namespace democluster {

// The single table of resource types the demo cluster serves.
class ResourceRegistry {
public:
    // The types a demo mesh needs: the core workload kinds, jobs, leases, Istio and Gateway API routing.
    static const ResourceRegistry& builtin();

    explicit ResourceRegistry(std::vector<ResourceType> types);

    const ResourceType* find(std::string_view group, std::string_view version, std::string_view plural) const;
    const ResourceType* findByKind(std::string_view apiVersion, std::string_view kind) const;
    // The version objects of this type are stored at (the first listed for its group and resource):
    // every version reads and writes the same objects.
    const ResourceType& storageTypeOf(const ResourceType& type) const;
    // The types served at one group/version, in table order.
    std::vector<const ResourceType*> typesIn(std::string_view group, std::string_view version) const;
    // Group names other than the core group, each once, in table order.
    std::vector<std::string> groups() const;
    // Versions served for one group, in table order.
    std::vector<std::string> versionsOf(std::string_view group) const;

private:
    std::vector<ResourceType> m_types;
};

} // namespace democluster

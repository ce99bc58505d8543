// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace kube {

// A resource type as the API addresses it: /api/v1/... for the core group, /apis/G/V/... otherwise.
struct ResourceKind {
    std::string group; // empty for the core group
    std::string version;
    std::string plural;
    bool namespaced = true;

    std::string collectionPath(const std::string& namespaceName = {}) const;
    std::string objectPath(const std::string& namespaceName, const std::string& name) const;
};

namespace kinds {
extern const ResourceKind Namespaces;
extern const ResourceKind Services;
extern const ResourceKind Pods;
extern const ResourceKind Deployments;
extern const ResourceKind VirtualServices;
extern const ResourceKind DestinationRules;
extern const ResourceKind HTTPRoutes;
} // namespace kinds

} // namespace kube

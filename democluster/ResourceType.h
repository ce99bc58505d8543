// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace democluster {

// One row of the resource table: everything discovery, routing and validation need to know
// about a resource type, so the three can never disagree.
struct ResourceType {
    std::string kind;      // "VirtualService"
    std::string group;     // empty for the core group
    std::string version;   // "v1"
    std::string plural;    // "virtualservices", the path segment
    std::string singular;  // "virtualservice"
    std::vector<std::string> shortNames;
    std::vector<std::string> categories;
    bool namespaced = true;
    // A review (SelfSubjectAccessReview, ...): only POSTed, answered from the request, never stored.
    bool createOnly = false;
    // Subresources served besides the object itself ("log" for pods, "proxy" for services).
    std::vector<std::string> subresources = {};
    // A built-in kind: strategic merge patch applies to it (custom resources answer 415).
    bool builtin = true;

    // "v1" for the core group, "networking.istio.io/v1" otherwise: the objects' apiVersion.
    std::string apiVersion() const { return group.empty() ? version : group + '/' + version; }
    std::string listKind() const { return kind + "List"; }
    // "virtualservices.networking.istio.io" or "pods": how the API server names it in messages.
    std::string groupResource() const { return group.empty() ? plural : plural + '.' + group; }
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "UserInfo.h"

#include <string>
#include <vector>

namespace democluster {

// What a request asks to do, as kube-apiserver's authorizer sees it.
struct RequestAttributes {
    bool resourceRequest = true;
    std::string verb; // get, list, watch, create, update, patch, delete, deletecollection
    std::string group;
    std::string resource; // plural
    std::string subresource;
    std::string namespaceName;
    std::string name;
    std::string path; // for non-resource requests (discovery, /version)
};

// RBAC reduced to what the demo cluster needs: fixed cluster-wide rules per group. Rules are data,
// not code paths, so SelfSubjectRulesReview can list exactly what access checks enforce.
class Authorizer {
public:
    struct ResourceRule {
        std::vector<std::string> verbs;
        std::vector<std::string> apiGroups;
        std::vector<std::string> resources; // "*" all resources, "*/*" all subresources too
    };
    struct NonResourceRule {
        std::vector<std::string> verbs;
        std::vector<std::string> nonResourceURLs; // a trailing "*" is a prefix match
    };
    struct Rules {
        std::vector<ResourceRule> resourceRules;
        std::vector<NonResourceRule> nonResourceRules;
    };

    // Groups the demo cluster's users are in.
    static constexpr const char* AdminGroup = "system:masters";
    static constexpr const char* ViewerGroup = "meshdeck:viewers";
    static constexpr const char* AuthenticatedGroup = "system:authenticated";

    static Rules rulesFor(const UserInfo& user);
    static bool allows(const UserInfo& user, const RequestAttributes& attributes);
};

} // namespace democluster

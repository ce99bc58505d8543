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

// RBAC reduced to what the demo cluster needs: fixed rules per group, each bound either cluster-wide
// (a ClusterRole with a ClusterRoleBinding) or in one namespace (a Role with a RoleBinding). Rules are
// data, not code paths, so SelfSubjectRulesReview can list exactly what access checks enforce.
class Authorizer {
public:
    struct ResourceRule {
        std::vector<std::string> verbs;
        std::vector<std::string> apiGroups;
        std::vector<std::string> resources; // "*" all resources, "*/*" all subresources too
        std::string namespaceName;          // empty: cluster-wide; else only requests in this namespace
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
    // A team's operator bound by RoleBindings in OperatorNamespace only: reads everything there and
    // edits its Istio traffic objects, sees nothing of the rest of the cluster.
    static constexpr const char* OperatorGroup = "meshdeck:bookinfo-operators";
    static constexpr const char* OperatorNamespace = "bookinfo";
    static constexpr const char* AuthenticatedGroup = "system:authenticated";

    // Every rule of the user's groups, wherever bound.
    static Rules rulesFor(const UserInfo& user);
    // The rules that apply to requests in `namespaceName` (the cluster-wide ones and those bound
    // there), as kube-apiserver answers a SelfSubjectRulesReview for that namespace.
    static Rules rulesIn(const UserInfo& user, const std::string& namespaceName);
    static bool allows(const UserInfo& user, const RequestAttributes& attributes);
};

} // namespace democluster

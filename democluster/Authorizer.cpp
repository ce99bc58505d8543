// SPDX-License-Identifier: Apache-2.0
#include "Authorizer.h"

#include <algorithm>

namespace democluster {

namespace {

bool contains(const std::vector<std::string>& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end() ||
           std::find(values.begin(), values.end(), "*") != values.end();
}

bool inGroup(const UserInfo& user, const char* group) {
    return std::find(user.groups.begin(), user.groups.end(), group) != user.groups.end();
}

// RBAC's ResourceMatches: "*" is everything, subresources included; "pods/log" and "*/log" name
// a subresource.
bool resourceMatches(const std::vector<std::string>& resources, const RequestAttributes& attributes) {
    if (attributes.subresource.empty())
        return contains(resources, attributes.resource);
    return contains(resources, attributes.resource + '/' + attributes.subresource) ||
           contains(resources, "*/" + attributes.subresource);
}

// kube-apiserver's RequestInfo puts a named Namespace in itself, so a RoleBinding in `bookinfo`
// lets its subject get the Namespace `bookinfo` but not list Namespaces.
std::string namespaceOf(const RequestAttributes& attributes) {
    if (attributes.namespaceName.empty() && attributes.group.empty() && attributes.resource == "namespaces")
        return attributes.name;
    return attributes.namespaceName;
}

bool pathMatches(const std::vector<std::string>& urls, const std::string& path) {
    return std::any_of(urls.begin(), urls.end(), [&](const std::string& url) {
        return url == path || (url.ends_with('*') && path.starts_with(url.substr(0, url.size() - 1)));
    });
}

} // namespace

Authorizer::Rules Authorizer::rulesFor(const UserInfo& user) {
    Rules rules;
    if (inGroup(user, AdminGroup)) {
        rules.resourceRules.push_back({{"*"}, {"*"}, {"*"}, {}});
        rules.nonResourceRules.push_back({{"*"}, {"*"}});
        return rules;
    }
    if (inGroup(user, ViewerGroup)) {
        // Wider than Kubernetes' "view" role: every resource and subresource, so a viewer can read
        // secrets and pod logs and reach Prometheus through the service proxy.
        rules.resourceRules.push_back({{"get", "list", "watch"}, {"*"}, {"*"}, {}});
    }
    if (inGroup(user, OperatorGroup)) {
        // Kubernetes' "view" role is narrower; this one reads everything in the namespace, pod logs
        // and service proxies too, like the viewer does cluster-wide.
        rules.resourceRules.push_back({{"get", "list", "watch"}, {"*"}, {"*"}, OperatorNamespace});
        rules.resourceRules.push_back({{"patch", "update"},
                                       {"networking.istio.io"},
                                       {"virtualservices", "destinationrules"},
                                       OperatorNamespace});
    }
    if (inGroup(user, AuthenticatedGroup)) {
        // kube-apiserver's system:basic-user and system:discovery cluster roles.
        rules.resourceRules.push_back(
            {{"create"}, {"authorization.k8s.io"}, {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}, {}});
        rules.resourceRules.push_back({{"create"}, {"authentication.k8s.io"}, {"selfsubjectreviews"}, {}});
        rules.nonResourceRules.push_back(
            {{"get"},
             {"/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/version", "/version/"}});
    }
    return rules;
}

Authorizer::Rules Authorizer::rulesIn(const UserInfo& user, const std::string& namespaceName) {
    Rules rules = rulesFor(user);
    std::erase_if(rules.resourceRules, [&](const ResourceRule& rule) {
        return !rule.namespaceName.empty() && rule.namespaceName != namespaceName;
    });
    return rules;
}

bool Authorizer::allows(const UserInfo& user, const RequestAttributes& attributes) {
    const Rules rules = rulesFor(user);
    if (!attributes.resourceRequest) {
        return std::any_of(rules.nonResourceRules.begin(), rules.nonResourceRules.end(),
                           [&](const NonResourceRule& rule) {
                               return contains(rule.verbs, attributes.verb) &&
                                      pathMatches(rule.nonResourceURLs, attributes.path);
                           });
    }
    const std::string namespaceName = namespaceOf(attributes);
    return std::any_of(rules.resourceRules.begin(), rules.resourceRules.end(), [&](const ResourceRule& rule) {
        return (rule.namespaceName.empty() || rule.namespaceName == namespaceName) && contains(rule.verbs, attributes.verb) && contains(rule.apiGroups, attributes.group) &&
               resourceMatches(rule.resources, attributes);
    });
}

} // namespace democluster

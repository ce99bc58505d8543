// SPDX-License-Identifier: Apache-2.0
#include "ResourceRegistry.h"

#include <algorithm>

namespace democluster {

const ResourceRegistry& ResourceRegistry::builtin()
{
    static const ResourceRegistry registry({
        {"Namespace", "", "v1", "namespaces", "namespace", {"ns"}, {}, false},
        {"Service", "", "v1", "services", "service", {"svc"}, {"all"}, true},
        {"Pod", "", "v1", "pods", "pod", {"po"}, {"all"}, true},
        {"ServiceAccount", "", "v1", "serviceaccounts", "serviceaccount", {"sa"}, {}, true},
        {"Deployment", "apps", "v1", "deployments", "deployment", {"deploy"}, {"all"}, true},
        {"VirtualService", "networking.istio.io", "v1", "virtualservices", "virtualservice", {"vs"},
         {"istio-io", "networking-istio-io"}, true},
        {"DestinationRule", "networking.istio.io", "v1", "destinationrules", "destinationrule", {"dr"},
         {"istio-io", "networking-istio-io"}, true},
        {"SelfSubjectAccessReview", "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", {}, {}, false, true},
        {"SelfSubjectRulesReview", "authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview", {}, {}, false, true},
        {"SelfSubjectReview", "authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", {}, {}, false, true},
    });
    return registry;
}

ResourceRegistry::ResourceRegistry(std::vector<ResourceType> types)
    : m_types(std::move(types))
{
}

const ResourceType* ResourceRegistry::find(std::string_view group, std::string_view version,
                                           std::string_view plural) const
{
    for (const auto& type : m_types) {
        if (type.group == group && type.version == version && type.plural == plural)
            return &type;
    }
    return nullptr;
}

const ResourceType* ResourceRegistry::findByKind(std::string_view apiVersion, std::string_view kind) const
{
    for (const auto& type : m_types) {
        if (type.kind == kind && type.apiVersion() == apiVersion)
            return &type;
    }
    return nullptr;
}

std::vector<const ResourceType*> ResourceRegistry::typesIn(std::string_view group, std::string_view version) const
{
    std::vector<const ResourceType*> result;
    for (const auto& type : m_types) {
        if (type.group == group && type.version == version)
            result.push_back(&type);
    }
    return result;
}

std::vector<std::string> ResourceRegistry::groups() const
{
    std::vector<std::string> result;
    for (const auto& type : m_types) {
        if (!type.group.empty() && std::find(result.begin(), result.end(), type.group) == result.end())
            result.push_back(type.group);
    }
    return result;
}

std::vector<std::string> ResourceRegistry::versionsOf(std::string_view group) const
{
    std::vector<std::string> result;
    for (const auto& type : m_types) {
        if (type.group == group && std::find(result.begin(), result.end(), type.version) == result.end())
            result.push_back(type.version);
    }
    return result;
}

} // namespace democluster

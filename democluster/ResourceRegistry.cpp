// SPDX-License-Identifier: Apache-2.0
#include "ResourceRegistry.h"

#include <algorithm>

namespace democluster {

namespace {

// Istio serves its networking kinds at v1, v1beta1 and v1alpha3 alike: one stored object, read
// at whichever version the client asks for. v1 comes first, so it is the preferred and storage version.
void addIstioVersions(std::vector<ResourceType>& types)
{
    std::vector<ResourceType> older;
    for (const char* version : {"v1beta1", "v1alpha3"}) {
        for (const auto& type : types) {
            if (type.group != "networking.istio.io")
                continue;
            ResourceType copy = type;
            copy.version = version;
            older.push_back(std::move(copy));
        }
    }
    types.insert(types.end(), older.begin(), older.end());
}

std::vector<ResourceType> builtinTypes()
{
    const std::vector<std::string> istioCategories = {"istio-io", "networking-istio-io"};
    std::vector<ResourceType> types = {
        {"Namespace", "", "v1", "namespaces", "namespace", {"ns"}, {}, false},
        {"Service", "", "v1", "services", "service", {"svc"}, {"all"}, true, false, {"proxy"}},
        {"Endpoints", "", "v1", "endpoints", "endpoints", {"ep"}, {}, true},
        {"Pod", "", "v1", "pods", "pod", {"po"}, {"all"}, true, false, {"log"}},
        {"ServiceAccount", "", "v1", "serviceaccounts", "serviceaccount", {"sa"}, {}, true},
        {"ConfigMap", "", "v1", "configmaps", "configmap", {"cm"}, {}, true},
        {"Secret", "", "v1", "secrets", "secret", {}, {}, true},
        {"Event", "", "v1", "events", "event", {"ev"}, {}, true},
        {"Deployment", "apps", "v1", "deployments", "deployment", {"deploy"}, {"all"}, true},
        {"Job", "batch", "v1", "jobs", "job", {}, {"all"}, true},
        {"Lease", "coordination.k8s.io", "v1", "leases", "lease", {}, {}, true},
        {"VirtualService", "networking.istio.io", "v1", "virtualservices", "virtualservice", {"vs"}, istioCategories,
         true, false, {}, false},
        {"DestinationRule", "networking.istio.io", "v1", "destinationrules", "destinationrule", {"dr"}, istioCategories,
         true, false, {}, false},
        {"Gateway", "networking.istio.io", "v1", "gateways", "gateway", {"gw"}, istioCategories, true, false, {}, false},
        {"HTTPRoute", "gateway.networking.k8s.io", "v1", "httproutes", "httproute", {}, {"gateway-api"}, true, false, {},
         false},
        {"SelfSubjectAccessReview", "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", {}, {}, false, true},
        {"SelfSubjectRulesReview", "authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview", {}, {}, false, true},
        {"SelfSubjectReview", "authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", {}, {}, false, true},
    };
    addIstioVersions(types);
    return types;
}

} // namespace

const ResourceRegistry& ResourceRegistry::builtin()
{
    static const ResourceRegistry registry(builtinTypes());
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

const ResourceType& ResourceRegistry::storageTypeOf(const ResourceType& type) const
{
    for (const auto& candidate : m_types) {
        if (candidate.group == type.group && candidate.plural == type.plural)
            return candidate;
    }
    return type;
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

// SPDX-License-Identifier: Apache-2.0
#include "ResourceKind.h"

namespace kube {

std::string ResourceKind::collectionPath(const std::string& namespaceName) const
{
    // The core group lives under /api for historical reasons; every other group under /apis/G.
    std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    // A namespaced kind without a namespace is the all-namespaces collection (/api/v1/pods).
    if (namespaced && !namespaceName.empty())
        path += "/namespaces/" + namespaceName;
    return path + "/" + plural;
}

std::string ResourceKind::objectPath(const std::string& namespaceName, const std::string& name) const
{
    return collectionPath(namespaceName) + "/" + name;
}

namespace kinds {
const ResourceKind Namespaces{"", "v1", "namespaces", false};
const ResourceKind Services{"", "v1", "services", true};
const ResourceKind Pods{"", "v1", "pods", true};
const ResourceKind Deployments{"apps", "v1", "deployments", true};
const ResourceKind VirtualServices{"networking.istio.io", "v1", "virtualservices", true};
const ResourceKind DestinationRules{"networking.istio.io", "v1", "destinationrules", true};
const ResourceKind HTTPRoutes{"gateway.networking.k8s.io", "v1", "httproutes", true};
} // namespace kinds

} // namespace kube

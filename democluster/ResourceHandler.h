// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiResponse.h"

#include <optional>
#include <string>

namespace democluster {

class AdmissionValidator;
class ObjectStore;
class ResourceRegistry;
struct ApiPath;
struct ApiRequest;

// The REST verbs on resources: get, list, create, replace, patch, delete.
class ResourceHandler {
public:
    ResourceHandler(ObjectStore& store, const ResourceRegistry& registry, const AdmissionValidator& admission);

    ApiResponse handle(const ApiRequest& request, const ApiPath& path) const;

private:
    ApiResponse get(const ApiPath& path) const;
    ApiResponse list(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse create(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse replace(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse patch(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse remove(const ApiPath& path) const;
    // A namespaced write into a namespace that does not exist fails like on a real cluster.
    std::optional<ApiStatus> requireNamespace(const std::string& namespaceName) const;

    ObjectStore& m_store;
    const ResourceRegistry& m_registry;
    const AdmissionValidator& m_admission;
};

} // namespace democluster

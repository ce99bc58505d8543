// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiResponse.h"
#include "ObjectDefaults.h"
#include "ObjectStore.h"
#include "WatchLimits.h"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace democluster {

class AdmissionValidator;
class ResourceRegistry;
struct ApiPath;
struct ApiRequest;

// The REST verbs on resources: get, list, watch, create, replace, patch (merge, JSON, strategic and
// server-side apply), delete. Every version of a resource reads and writes the same stored objects;
// responses carry the apiVersion the client addressed. Writes record their manager in managedFields.
class ResourceHandler {
public:
    ResourceHandler(ObjectStore& store, const ResourceRegistry& registry, const AdmissionValidator& admission,
                    WatchLimits watchLimits = {});

    ApiResponse handle(const ApiRequest& request, const ApiPath& path) const;

private:
    ApiResponse get(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse list(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse watch(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse create(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse replace(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse patch(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse apply(const ApiRequest& request, const ApiPath& path) const;
    ApiResponse remove(const ApiPath& path) const;
    // Admission, defaults and the store's create for a new object (POST, or an apply creating).
    ApiResponse createObject(const ApiPath& path, nlohmann::json object) const;
    // Read-modify-write of the addressed object, then admission.
    ApiResponse update(const ApiPath& path, const ObjectStore::Mutator& mutate) const;
    // A namespaced write into a namespace that does not exist fails like on a real cluster.
    std::optional<ApiStatus> requireNamespace(const std::string& namespaceName) const;

    ObjectStore& m_store;
    const ResourceRegistry& m_registry;
    const AdmissionValidator& m_admission;
    WatchLimits m_watchLimits;
    ObjectDefaults m_defaults;
    // Open watches; shared with the streams, which give their slot back when they end.
    std::shared_ptr<std::atomic<int>> m_openWatches = std::make_shared<std::atomic<int>>(0);
};

} // namespace democluster

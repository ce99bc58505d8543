// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace democluster {

class ObjectStore;
class ResourceRegistry;
struct ResourceType;

// Keeps an Endpoints object per Service with a selector: the ready pods it selects, with the
// service's ports resolved against the pods' container ports, as the endpoints controller does.
// Endpoints it made for a Service that is gone are removed.
class EndpointsController {
public:
    // Marks the Endpoints this controller maintains (kube-controller-manager sets it too).
    static constexpr const char* TriggerAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    EndpointsController(ObjectStore& store, const ResourceRegistry& registry);

    // One pass; returns at once when nothing was written since the last one.
    void reconcile();

private:
    // Ready pods by "namespace/key=value" of each label; Endpoints by (namespace, name).
    using PodIndex = std::map<std::string, std::vector<const nlohmann::json*>>;
    using ExistingIndex = std::map<std::pair<std::string, std::string>, const nlohmann::json*>;

    void reconcileService(const nlohmann::json& service, const PodIndex& byLabel, const ExistingIndex& existing,
                          std::set<std::pair<std::string, std::string>>& wanted, const std::string& now);
    nlohmann::json subsetsFor(const nlohmann::json& service, const std::vector<const nlohmann::json*>& candidates) const;

    ObjectStore& m_store;
    const ResourceType& m_services;
    const ResourceType& m_pods;
    const ResourceType& m_endpoints;
    std::string m_lastSeenVersion;
};

} // namespace democluster

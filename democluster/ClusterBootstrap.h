// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace democluster {

class AdmissionValidator;
class ObjectStore;
class ResourceRegistry;
struct Scenario;

// The cluster's starting state: the namespaces every cluster has, istio-system with its
// Prometheus Service, the scenario's namespace (labelled for sidecar injection), the scenario's
// manifests and generated objects, and its traffic settings ConfigMap.
class ClusterBootstrap {
public:
    ClusterBootstrap(ObjectStore& store, const ResourceRegistry& registry, const AdmissionValidator& admission);

    // Throws std::runtime_error when a manifest cannot be read or an object is refused.
    void seed(const Scenario& scenario, const std::filesystem::path& resourcesDir);

    void createNamespace(const std::string& name, const std::map<std::string, std::string>& labels);
    // Creates each object in `namespaceName` (or updates it when it exists, like kubectl apply).
    // Kinds the demo cluster does not serve are skipped with one log line per kind.
    void apply(const std::vector<nlohmann::json>& documents, const std::string& namespaceName,
               const std::string& origin);

private:
    ObjectStore& m_store;
    const ResourceRegistry& m_registry;
    const AdmissionValidator& m_admission;
    unsigned m_nextClusterAddress = 10;
};

} // namespace democluster

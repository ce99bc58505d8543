// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Workload.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace democluster {

class ObjectStore;
class ResourceRegistry;

// Decides where a request to a service goes, as the caller's Envoy would: the destination
// service's VirtualService (first applicable HTTP route), DestinationRule subsets, and the
// Deployments behind the Service. Built from one snapshot of the store, so a route computed from
// it never mixes two versions of the configuration.
class MeshRouter {
public:
    // Who is asking, for match blocks that look at the source (sourceLabels, sourceNamespace).
    struct Caller {
        std::string namespaceName;
        std::map<std::string, std::string> labels;
    };
    // One possible upstream and the fraction of requests it gets. A null workload means no pod
    // can serve the share: Envoy answers 503 with `responseFlags`.
    struct Target {
        std::string service; // the service the route resolved to
        const Workload* workload = nullptr;
        double share = 0;
        std::string responseFlags;
    };

    MeshRouter(const ObjectStore& store, const ResourceRegistry& registry, std::string namespaceName);
    ~MeshRouter();
    MeshRouter(const MeshRouter&) = delete;
    MeshRouter& operator=(const MeshRouter&) = delete;

    // The targets of a request to `service`, shares summing to 1; empty when the service is unknown.
    std::vector<Target> route(const std::string& service, const Caller& caller) const;

private:
    struct Snapshot;

    // "reviews", "reviews.bookinfo", "reviews.bookinfo.svc.cluster.local" -> "reviews"; empty for
    // hosts outside the namespace.
    std::string serviceOfHost(const std::string& host) const;
    const nlohmann::json* serviceObject(const std::string& service) const;
    const nlohmann::json* virtualServiceFor(const std::string& service) const;
    const nlohmann::json* applicableHttpRoute(const nlohmann::json& virtualService, const Caller& caller) const;
    // The workloads behind a service, optionally narrowed to a DestinationRule subset.
    std::vector<const Workload*> backends(const std::string& service, const nlohmann::json* subsetLabels) const;
    // Splits one destination's share over its workloads by ready pods.
    void spread(const std::string& service, const std::vector<const Workload*>& candidates, double share,
                const char* flagsWhenEmpty, std::vector<Target>& targets) const;

    std::string m_namespace;
    std::unique_ptr<Snapshot> m_snapshot;
    std::vector<Workload> m_workloads;
};

} // namespace democluster

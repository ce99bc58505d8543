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

// Decides where a request to a service goes, as the caller's Envoy would: a Gateway API HTTPRoute
// attached to the service (GAMMA: parentRefs naming the Service; its matches by precedence, its
// backendRefs' weights), else the service's VirtualService (first HTTP route whose match applies to
// the caller and the request, its weights and fault injection) with DestinationRule subsets, else
// the Deployments behind the Service alike. Built from one snapshot of the store, so a route
// computed from it never mixes two versions of the configuration; lookups are indexed, so a mesh
// of thousands of services routes as fast as bookinfo. Not thread-safe (route() fills caches).
class MeshRouter {
public:
    // Who is asking, for match blocks that look at the source (sourceLabels, sourceNamespace).
    struct Caller {
        std::string namespaceName;
        std::map<std::string, std::string> labels;
    };
    // What the request carries that match blocks look at. Header names are lower case.
    struct Request {
        std::string method = "GET";
        std::string path = "/";
        std::map<std::string, std::string> headers;
        std::map<std::string, std::string> queryParams;
    };
    // One possible upstream and the fraction of requests it gets. A null workload means Envoy
    // answers by itself with `localReplyCode` and `responseFlags`: no ready pod behind the service
    // or subset 503 UH (Envoy's "no healthy upstream"), a subset no DestinationRule defines 503 NR,
    // no matching route 404 NR, an HTTPRoute with every weight 0 or a missing backend 500.
    struct Target {
        std::string service; // the service the route resolved to
        const Workload* workload = nullptr;
        double share = 0;
        std::string responseFlags;
        int localReplyCode = 503;
    };
    // The route's fault injection; a share of 0 never fires (as a fault without a percentage).
    struct Fault {
        double delayMs = 0;
        double delayShare = 0; // 0..1
        int abortStatus = 0;
        double abortShare = 0; // 0..1
    };
    struct Decision {
        std::vector<Target> targets; // shares summing to 1; empty when the service is unknown
        Fault fault;
    };

    MeshRouter(const ObjectStore& store, const ResourceRegistry& registry, std::string namespaceName);
    ~MeshRouter();
    MeshRouter(const MeshRouter&) = delete;
    MeshRouter& operator=(const MeshRouter&) = delete;

    Decision route(const std::string& service, const Caller& caller, const Request& request) const;
    // Every Deployment of the namespace; Target::workload points into it.
    const std::vector<Workload>& workloads() const { return m_workloads; }

private:
    struct Snapshot;

    // "reviews", "reviews.bookinfo", "reviews.bookinfo.svc.cluster.local" -> "reviews"; empty for
    // hosts outside the namespace.
    std::string serviceOfHost(const std::string& host) const;
    const nlohmann::json* serviceObject(const std::string& service) const;
    const nlohmann::json* applicableHttpRoute(const nlohmann::json& virtualService, const Caller& caller,
                                              const Request& request) const;
    // Decides by the Gateway API HTTPRoutes attached to the service.
    Decision routeByHttpRoutes(const std::string& service, const std::vector<const nlohmann::json*>& httpRoutes,
                               const Request& request) const;
    // The workloads behind a service, optionally narrowed to a DestinationRule subset.
    const std::vector<const Workload*>& backends(const std::string& service) const;
    std::vector<const Workload*> backends(const std::string& service, const nlohmann::json* subsetLabels) const;
    // Splits one destination's share over its workloads by ready pods.
    void spread(const std::string& service, const std::vector<const Workload*>& candidates, double share,
                const char* flagsWhenEmpty, std::vector<Target>& targets) const;

    std::string m_namespace;
    std::unique_ptr<Snapshot> m_snapshot;
    std::vector<Workload> m_workloads;
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "IstioMetrics.h"
#include "MeshRouter.h"
#include "Scenario.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace democluster {

class ObjectStore;
class ResourceRegistry;

// Turns the scenario's load and the cluster's current routing into Istio metrics. step() is
// deterministic for a given seed and store content, so tests can run minutes of traffic in
// milliseconds; DemoCluster calls it in real time.
class TrafficSimulator {
public:
    TrafficSimulator(Scenario scenario, const ObjectStore& store, const ResourceRegistry& registry,
                     IstioMetrics& metrics, std::uint64_t seed);

    // Simulates `seconds` of traffic. Routing is read from the store at every step, so a patched
    // VirtualService takes effect at the next one.
    void step(double seconds);

private:
    // Whoever sends a request: a mesh workload or the scenario's entry source.
    struct Peer {
        std::string workload;
        std::string namespaceName;
        std::string app;
        std::string version;
        std::string canonicalService;
        std::string canonicalRevision;
        std::string principal;
        bool proxy = true;
        MeshRouter::Caller caller;
    };
    struct Outcome {
        double latencyMs = 0;
        int code = 0;
    };
    // One request as the two proxies report it: the destination's sidecar sees the upstream's
    // answer, the caller's also its own injected delay and fault flags.
    struct Hop {
        int code = 0;
        std::string destinationFlags = "-";
        std::string sourceFlags;
        double sourceDelayMs = 0;
        IstioMetrics::Observation observation;
    };
    // Keyed by caller workload, service, user class (-1: plain) and path.
    using RouteCache = std::map<std::tuple<std::string, std::string, int, std::string>, MeshRouter::Decision>;

    static Peer peerOf(const Workload& workload);
    Peer entryPeer() const;
    Outcome call(const MeshRouter& router, RouteCache& routes, const Peer& caller, const std::string& service,
                 const MeshRouter::Request& request, int users, int depth);
    bool fires(double share);
    const MeshRouter::Target* pick(const std::vector<MeshRouter::Target>& targets);
    double draw(const Scenario::LogNormal& distribution);
    void report(const Peer& caller, const MeshRouter::Target& target, const Peer* destination, Hop hop);

    Scenario m_scenario;
    const ObjectStore& m_store;
    const ResourceRegistry& m_registry;
    IstioMetrics& m_metrics;
    std::mt19937_64 m_random;
    double m_pendingRequests = 0; // fractional requests carried to the next step
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "IstioMetrics.h"
#include "MeshRouter.h"
#include "Scenario.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace democluster {

class EventRecorder;
class ObjectStore;
class ResourceRegistry;

// Turns the scenario's load and the cluster's current routing into Istio metrics. step() is
// deterministic for a given seed and store content, so tests can run minutes of traffic in
// milliseconds; DemoCluster calls it in real time.
//
// Routing is compiled once per configuration: the simulator looks at the store's changes at every
// step and rebuilds only when Services, Pods, Deployments, VirtualServices, DestinationRules,
// HTTPRoutes or ConfigMaps changed, so a patched VirtualService takes effect at the next step and
// an idle configuration costs nothing. The scenario's ConfigMap (Scenario::TrafficConfigMap, in its
// namespace) changes the load, the users and the profiles at run time; content that does not parse
// is reported in the server log and as a Warning event on the ConfigMap, and ignored.
class TrafficSimulator {
public:
    // Above this many services the simulated sidecars report only what MeshDeck's graph and
    // latency charts read, as operators of large meshes configure Istio (IstioMetrics::Reporting):
    // no client-side histograms, no size histograms, only the labels MeshDeck's queries use, and
    // one duration histogram per edge (not per edge and response code) of 12 buckets instead of 19.
    // The charts' request and response sizes are then empty for that mesh, and tools reading other
    // labels (Kiali's response flags) see none.
    static constexpr int LargeMeshServices = 500;
    static IstioMetrics::Reporting reportingFor(int services);

    // Sets what `metrics` reports for the scenario's size.
    TrafficSimulator(Scenario scenario, ObjectStore& store, const ResourceRegistry& registry, IstioMetrics& metrics,
                     std::uint64_t seed);
    ~TrafficSimulator();
    TrafficSimulator(const TrafficSimulator&) = delete;
    TrafficSimulator& operator=(const TrafficSimulator&) = delete;

    // Simulates `seconds` of traffic.
    void step(double seconds);
    // The scenario with the ConfigMap's settings applied, as the last step used it.
    const Scenario& scenario() const { return m_active; }

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
        bool failed = false; // a 4xx, 5xx, timeout or unknown service, as the caller's code sees it
    };
    struct Plan;
    struct Node;
    struct Edge;
    struct Route;

    static Peer peerOf(const Workload& workload);
    Peer entryPeer() const;
    // Whether Services, Pods, routing or the ConfigMap changed since the last look.
    bool configurationChanged();
    void applyTrafficSettings();
    void reportSettings(const nlohmann::json& configMap, bool applied, const std::string& message);
    void rebuild();
    Route& routeOf(const Node& caller, Edge& edge, int users);
    Outcome call(const Node& caller, Edge& edge, int users, int depth);
    bool fires(double share);
    std::size_t pick(const std::vector<MeshRouter::Target>& targets);
    double draw(const Scenario::LogNormal& distribution);
    IstioMetrics::Labels labelsOf(const Peer& caller, const MeshRouter::Target& target, const Peer* destination) const;
    void report(Route& route, std::size_t target, bool sourceReporter, int code, const std::string& flags,
                IstioMetrics::Observation observation);

    const Scenario m_base;
    Scenario m_active;
    ObjectStore& m_store;
    const ResourceRegistry& m_registry;
    IstioMetrics& m_metrics;
    std::mt19937_64 m_random;
    double m_pendingRequests = 0; // fractional requests carried to the next step
    std::uint64_t m_seenVersion = 0;
    std::string m_settingsVersion; // the ConfigMap resourceVersion last looked at; empty: none
    std::unique_ptr<Plan> m_plan;
    std::unique_ptr<EventRecorder> m_events; // null when the registry serves no events
};

} // namespace democluster

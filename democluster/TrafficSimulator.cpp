// SPDX-License-Identifier: Apache-2.0
#include "TrafficSimulator.h"

#include <cmath>

namespace democluster {

namespace {

// Bounds a call graph that loops back on itself.
constexpr int MaxCallDepth = 10;

std::string spiffe(const std::string& namespaceName, const std::string& serviceAccount)
{
    return "spiffe://cluster.local/ns/" + namespaceName + "/sa/" + serviceAccount;
}

} // namespace

TrafficSimulator::TrafficSimulator(Scenario scenario, const ObjectStore& store, const ResourceRegistry& registry,
                                   IstioMetrics& metrics, std::uint64_t seed)
    : m_scenario(std::move(scenario))
    , m_store(store)
    , m_registry(registry)
    , m_metrics(metrics)
    , m_random(seed)
{
}

TrafficSimulator::Peer TrafficSimulator::peerOf(const Workload& workload)
{
    Peer peer;
    peer.workload = workload.name;
    peer.namespaceName = workload.namespaceName;
    peer.app = workload.app();
    peer.version = workload.version();
    peer.canonicalService = workload.label("service.istio.io/canonical-name", peer.app);
    peer.canonicalRevision = workload.label("service.istio.io/canonical-revision", workload.label("version", "latest"));
    peer.principal = spiffe(workload.namespaceName, workload.serviceAccount);
    peer.caller = {workload.namespaceName, workload.labels};
    return peer;
}

TrafficSimulator::Peer TrafficSimulator::entryPeer() const
{
    const auto& source = m_scenario.source;
    Peer peer;
    peer.workload = source.workload;
    peer.namespaceName = source.namespaceName;
    peer.app = source.app;
    peer.version = "unknown";
    peer.canonicalService = source.app;
    peer.canonicalRevision = "latest";
    peer.principal = spiffe(source.namespaceName, source.serviceAccount);
    peer.proxy = source.proxy;
    peer.caller = {source.namespaceName, {{"app", source.app}}};
    return peer;
}

void TrafficSimulator::step(double seconds)
{
    m_pendingRequests += m_scenario.requestsPerSecond * seconds;
    const double requests = std::floor(m_pendingRequests);
    m_pendingRequests -= requests;
    if (requests <= 0)
        return;
    const MeshRouter router(m_store, m_registry, m_scenario.namespaceName);
    RouteCache routes;
    const Peer entry = entryPeer();
    for (double i = 0; i < requests; ++i)
        call(router, routes, entry, m_scenario.entryService, 0);
}

const MeshRouter::Target* TrafficSimulator::pick(const std::vector<MeshRouter::Target>& targets)
{
    if (targets.empty())
        return nullptr;
    double draw = std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
    for (const auto& target : targets) {
        draw -= target.share;
        if (draw < 0)
            return &target;
    }
    return &targets.back(); // rounding left a sliver
}

TrafficSimulator::Outcome TrafficSimulator::call(const MeshRouter& router, RouteCache& routes, const Peer& caller,
                                                 const std::string& service, int depth)
{
    auto cached = routes.find({caller.workload, service});
    if (cached == routes.end())
        cached = routes.emplace(std::make_pair(caller.workload, service), router.route(service, caller.caller)).first;
    const MeshRouter::Target* target = pick(cached->second);
    if (!target)
        return {}; // a call to a service that does not exist: nothing to report
    if (!target->workload) {
        // Envoy answers by itself: only the caller's proxy sees the request.
        const double latencyMs = 0.2 + std::uniform_real_distribution<double>(0.0, 0.3)(m_random);
        report(caller, *target, nullptr, 503, latencyMs);
        return {latencyMs, 503};
    }

    const Peer destination = peerOf(*target->workload);
    const auto& profile = m_scenario.profileFor(target->service, destination.version);
    std::lognormal_distribution<double> ownLatency(std::log(profile.latencyMedianMs), profile.latencySigma);
    double latencyMs = ownLatency(m_random);
    if (depth < MaxCallDepth) {
        for (const auto& callee : m_scenario.calleesOf(target->service, destination.version))
            latencyMs += call(router, routes, destination, callee, depth + 1).latencyMs;
    }
    const bool failed = std::bernoulli_distribution(profile.errorRate)(m_random);
    const int code = failed ? 500 : 200;
    report(caller, *target, &destination, code, latencyMs);
    return {latencyMs, code};
}

void TrafficSimulator::report(const Peer& caller, const MeshRouter::Target& target, const Peer* destination, int code,
                              double latencyMs)
{
    IstioMetrics::Labels labels;
    const bool knownSource = caller.proxy;
    labels.sourceWorkload = knownSource ? caller.workload : "unknown";
    labels.sourceWorkloadNamespace = knownSource ? caller.namespaceName : "unknown";
    labels.sourceApp = knownSource ? caller.app : "unknown";
    labels.sourceVersion = knownSource ? caller.version : "unknown";
    labels.sourceCanonicalService = knownSource ? caller.canonicalService : "unknown";
    labels.sourceCanonicalRevision = knownSource ? caller.canonicalRevision : "latest";
    labels.sourcePrincipal = knownSource ? caller.principal : "unknown";
    labels.destinationWorkload = destination ? destination->workload : "unknown";
    labels.destinationWorkloadNamespace = destination ? destination->namespaceName : "unknown";
    labels.destinationApp = destination ? destination->app : "unknown";
    labels.destinationVersion = destination ? destination->version : "unknown";
    labels.destinationCanonicalService = destination ? destination->canonicalService : "unknown";
    labels.destinationCanonicalRevision = destination ? destination->canonicalRevision : "latest";
    labels.destinationPrincipal = destination ? destination->principal : "unknown";
    labels.destinationService = target.service + '.' + m_scenario.namespaceName + ".svc.cluster.local";
    labels.destinationServiceName = target.service;
    labels.destinationServiceNamespace = m_scenario.namespaceName;
    labels.responseCode = std::to_string(code);
    labels.responseFlags = target.responseFlags;

    if (destination) {
        labels.reporter = "destination";
        // Without a client proxy there is no mTLS: the request arrives in plain text.
        labels.connectionSecurityPolicy = knownSource ? "mutual_tls" : "none";
        m_metrics.record(labels, latencyMs);
    }
    if (caller.proxy) {
        labels.reporter = "source";
        labels.connectionSecurityPolicy = "unknown";
        // The caller's proxy also counts the hop back to it.
        m_metrics.record(labels, latencyMs + 0.3);
    }
}

} // namespace democluster

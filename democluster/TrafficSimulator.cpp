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
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (double i = 0; i < requests; ++i) {
        // Which kind of user sends it: each class takes its share, plain requests the rest.
        int users = -1;
        double draw = m_scenario.users.empty() ? 1.0 : unit(m_random);
        for (std::size_t k = 0; k < m_scenario.users.size() && users < 0; ++k) {
            draw -= m_scenario.users[k].share;
            if (draw < 0)
                users = static_cast<int>(k);
        }
        MeshRouter::Request request;
        request.path = m_scenario.entryPath;
        if (users >= 0) {
            const auto& kind = m_scenario.users[static_cast<std::size_t>(users)];
            request.headers = kind.headers;
            request.queryParams = kind.queryParams;
            if (!kind.path.empty())
                request.path = kind.path;
        }
        call(router, routes, entry, m_scenario.entryService, request, users, 0);
    }
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

bool TrafficSimulator::fires(double share)
{
    return share > 0 && std::bernoulli_distribution(share)(m_random);
}

TrafficSimulator::Outcome TrafficSimulator::call(const MeshRouter& router, RouteCache& routes, const Peer& caller,
                                                 const std::string& service, const MeshRouter::Request& request,
                                                 int users, int depth)
{
    // Headers and query come from the user class and the path from the call edge, so these keys
    // identify the request completely.
    auto key = std::make_tuple(caller.workload, service, users, request.path);
    auto cached = routes.find(key);
    if (cached == routes.end())
        cached = routes.emplace(std::move(key), router.route(service, caller.caller, request)).first;
    const MeshRouter::Decision& decision = cached->second;
    const MeshRouter::Target* target = pick(decision.targets);
    if (!target)
        return {}; // a call to a service that does not exist: nothing to report

    // The caller's sidecar runs the fault filter before routing: a delay holds the request, an
    // abort answers it without any upstream seeing it.
    Hop hop;
    if (fires(decision.fault.delayShare)) {
        hop.sourceDelayMs = decision.fault.delayMs;
        hop.sourceFlags = "DI";
    }
    if (fires(decision.fault.abortShare)) {
        hop.code = decision.fault.abortStatus;
        hop.sourceFlags = hop.sourceFlags.empty() ? "FI" : "DI,FI";
        hop.observation.durationMs = 0.1 + std::uniform_real_distribution<double>(0.0, 0.2)(m_random);
        hop.observation.requestBytes = std::round(draw(m_scenario.defaults.requestBytes));
        hop.observation.responseBytes = 18; // "fault filter abort"
        report(caller, *target, nullptr, hop);
        return {hop.observation.durationMs + hop.sourceDelayMs, hop.code};
    }
    if (!target->workload) {
        // Envoy answers by itself: only the caller's proxy sees the request, and its reply is
        // its short plain-text body ("no healthy upstream") or none at all.
        hop.code = target->localReplyCode;
        hop.sourceFlags = hop.sourceFlags.empty() ? target->responseFlags : hop.sourceFlags + ',' + target->responseFlags;
        hop.observation.durationMs = 0.2 + std::uniform_real_distribution<double>(0.0, 0.3)(m_random);
        hop.observation.requestBytes = std::round(draw(m_scenario.defaults.requestBytes));
        hop.observation.responseBytes = target->responseFlags == "UH" ? 19 : 0;
        report(caller, *target, nullptr, hop);
        return {hop.observation.durationMs + hop.sourceDelayMs, hop.code};
    }

    const Peer destination = peerOf(*target->workload);
    const auto& profile = m_scenario.profileFor(target->service, destination.version);
    hop.observation.durationMs = draw(profile.latencyMs);
    hop.observation.requestBytes = std::round(draw(profile.requestBytes));
    hop.observation.responseBytes = std::round(draw(profile.responseBytes));
    if (depth < MaxCallDepth) {
        for (const Scenario::Call* next : m_scenario.callsFrom(target->service, destination.version)) {
            MeshRouter::Request downstream = request;
            downstream.path = next->path;
            hop.observation.durationMs += call(router, routes, destination, next->to, downstream, users, depth + 1).latencyMs;
        }
    }
    hop.code = std::bernoulli_distribution(profile.errorRate)(m_random) ? 500 : 200;
    hop.destinationFlags = target->responseFlags;
    if (hop.sourceFlags.empty())
        hop.sourceFlags = target->responseFlags;
    report(caller, *target, &destination, hop);
    return {hop.observation.durationMs + hop.sourceDelayMs, hop.code};
}

double TrafficSimulator::draw(const Scenario::LogNormal& distribution)
{
    return std::lognormal_distribution<double>(std::log(distribution.median), distribution.sigma)(m_random);
}

void TrafficSimulator::report(const Peer& caller, const MeshRouter::Target& target, const Peer* destination, Hop hop)
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
    labels.responseCode = std::to_string(hop.code);

    if (destination) {
        labels.reporter = "destination";
        // Without a client proxy there is no mTLS: the request arrives in plain text.
        labels.connectionSecurityPolicy = knownSource ? "mutual_tls" : "none";
        labels.responseFlags = hop.destinationFlags;
        m_metrics.record(labels, hop.observation);
    }
    if (caller.proxy) {
        labels.reporter = "source";
        labels.connectionSecurityPolicy = "unknown";
        labels.responseFlags = hop.sourceFlags;
        // The caller's proxy also counts the hop back to it, and any delay it injected.
        hop.observation.durationMs += hop.sourceDelayMs + (destination ? 0.3 : 0.0);
        m_metrics.record(labels, hop.observation);
    }
}

} // namespace democluster

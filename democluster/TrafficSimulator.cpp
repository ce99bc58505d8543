// SPDX-License-Identifier: Apache-2.0
#include "TrafficSimulator.h"

#include "EventRecorder.h"
#include "Log.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

namespace democluster {

namespace {

// Bounds a call graph that loops back on itself.
constexpr int MaxCallDepth = 10;
// The hop from the callee's sidecar back to the caller's, as the caller's proxy adds it.
constexpr double ProxyHopMs = 0.3;

std::string spiffe(const std::string& namespaceName, const std::string& serviceAccount)
{
    return "spiffe://cluster.local/ns/" + namespaceName + "/sa/" + serviceAccount;
}

// What the simulator's routing depends on; any other write (events, leases, ...) changes nothing.
bool affectsTraffic(const std::string& groupResource)
{
    static const char* const relevant[] = {"services",
                                           "pods",
                                           "deployments.apps",
                                           "configmaps",
                                           "virtualservices.networking.istio.io",
                                           "destinationrules.networking.istio.io",
                                           "httproutes.gateway.networking.k8s.io"};
    return std::find(std::begin(relevant), std::end(relevant), groupResource) != std::end(relevant);
}

std::string joinFlags(const std::string& first, const std::string& second)
{
    return first.empty() || first == "-" ? second : first + ',' + second;
}

} // namespace

// One workload (or the entry source) with what it does for each request: its profile and calls.
struct TrafficSimulator::Node {
    Peer peer;
    const Scenario::Profile* profile = nullptr; // null for the entry source
    std::vector<Edge> edges;
};

// A Route is one routing decision and the metric series of each of its targets, made the first
// time a caller sends a kind of user's request along an edge.
struct TrafficSimulator::Route {
    struct Series {
        bool sourceReporter;
        int code;
        std::string flags;
        IstioMetrics::Series* series;
    };
    const Peer* caller = nullptr;
    MeshRouter::Decision decision;
    std::vector<Node*> destinations; // per target; null where Envoy answers by itself
    std::vector<std::vector<Series>> series; // per target
};

struct TrafficSimulator::Edge {
    const Scenario::Call* call = nullptr; // null for the entry source's requests
    std::string service;
    std::vector<std::unique_ptr<Route>> routes; // per user class + 1 (0: plain requests)
};

struct TrafficSimulator::Plan {
    std::unique_ptr<MeshRouter> router;
    std::vector<Node> nodes; // one per router workload, in the same order
    Node entry;
};

TrafficSimulator::TrafficSimulator(Scenario scenario, ObjectStore& store, const ResourceRegistry& registry,
                                   IstioMetrics& metrics, std::uint64_t seed)
    : m_base(std::move(scenario))
    , m_active(m_base)
    , m_store(store)
    , m_registry(registry)
    , m_metrics(metrics)
    , m_random(seed)
{
    std::set<std::string> services;
    for (const auto& profile : m_base.profiles)
        services.insert(profile.service);
    m_metrics.setReporting(reportingFor(static_cast<int>(services.size())));
    if (const ResourceType* events = registry.find("", "v1", "events"))
        m_events = std::make_unique<EventRecorder>(store, *events, "meshdeck-traffic-simulator");
}

TrafficSimulator::~TrafficSimulator() = default;

IstioMetrics::Reporting TrafficSimulator::reportingFor(int services)
{
    const bool small = services <= LargeMeshServices;
    return {.clientHistograms = small,
            .sizeHistograms = small,
            .everyLabel = small,
            .coarseDurationBuckets = !small,
            .durationByResponseCode = small};
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
    const auto& source = m_active.source;
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

bool TrafficSimulator::configurationChanged()
{
    const auto changes = m_store.changesSince(m_seenVersion);
    if (!changes) {
        // Too much happened to tell what: look again from now on.
        m_seenVersion = std::stoull(m_store.resourceVersion());
        return true;
    }
    m_seenVersion = changes->resourceVersion;
    return std::any_of(changes->events.begin(), changes->events.end(),
                       [](const StoreEvent& event) { return affectsTraffic(event.groupResource); });
}

void TrafficSimulator::applyTrafficSettings()
{
    const ResourceType* type = m_registry.find("", "v1", "configmaps");
    nlohmann::json configMap;
    if (!type || m_store.get(*type, m_base.namespaceName, Scenario::TrafficConfigMap, configMap)) {
        if (!m_settingsVersion.empty())
            logInfo(std::string("traffic settings: ") + Scenario::TrafficConfigMap + " is gone, back to the scenario's");
        m_settingsVersion.clear();
        m_active = m_base;
        return;
    }
    const std::string version = configMap["metadata"].value("resourceVersion", "");
    if (version == m_settingsVersion)
        return;
    m_settingsVersion = version;
    std::map<std::string, std::string> data;
    std::string message;
    const nlohmann::json values = configMap.value("data", nlohmann::json::object());
    for (const auto& [key, value] : values.items()) {
        if (value.is_string())
            data[key] = value.get<std::string>();
        else
            message = "data." + key + " is not a string";
    }
    const std::string origin = "configmap " + m_base.namespaceName + '/' + Scenario::TrafficConfigMap;
    if (message.empty()) {
        Scenario changed = m_base;
        try {
            changed.applyTrafficSettings(data, origin);
            m_active = std::move(changed);
            char rate[32];
            std::snprintf(rate, sizeof rate, "%g", m_active.requestsPerSecond);
            reportSettings(configMap, true, std::string("applied: ") + rate + " requests/s, "
                                                + std::to_string(m_active.users.size()) + " user classes");
            return;
        } catch (const std::exception& error) {
            message = error.what();
        }
    } else {
        message = origin + ": " + message;
    }
    reportSettings(configMap, false, message + "; keeping the previous settings");
}

void TrafficSimulator::reportSettings(const nlohmann::json& configMap, bool applied, const std::string& message)
{
    logInfo("traffic settings " + message);
    if (m_events)
        m_events->record(configMap, applied ? "Normal" : "Warning",
                         applied ? "TrafficSettingsApplied" : "InvalidTrafficSettings", message);
}

void TrafficSimulator::rebuild()
{
    applyTrafficSettings();
    auto plan = std::make_unique<Plan>();
    plan->router = std::make_unique<MeshRouter>(m_store, m_registry, m_active.namespaceName);
    const auto& workloads = plan->router->workloads();

    std::map<std::pair<std::string, std::string>, const Scenario::Profile*> profiles;
    for (const auto& profile : m_active.profiles)
        profiles.emplace(std::make_pair(profile.service, profile.version), &profile);
    std::unordered_map<std::string, std::vector<const Scenario::Call*>> callsFrom;
    for (const auto& call : m_active.calls)
        callsFrom[call.from].push_back(&call);
    const std::size_t routeSlots = m_active.users.size() + 1;

    plan->nodes.reserve(workloads.size());
    for (const auto& workload : workloads) {
        Node node;
        node.peer = peerOf(workload);
        // Profiles and calls belong to the service a workload implements: its app label.
        const auto profile = profiles.find({node.peer.app, node.peer.version});
        node.profile = profile == profiles.end() ? &m_active.defaults : profile->second;
        for (const Scenario::Call* call : callsFrom[node.peer.app]) {
            if (!call->fromVersions.empty()
                && std::find(call->fromVersions.begin(), call->fromVersions.end(), node.peer.version)
                       == call->fromVersions.end())
                continue;
            node.edges.push_back({call, call->to, std::vector<std::unique_ptr<Route>>(routeSlots)});
        }
        plan->nodes.push_back(std::move(node));
    }
    plan->entry.peer = entryPeer();
    plan->entry.edges.push_back({nullptr, m_active.entryService, std::vector<std::unique_ptr<Route>>(routeSlots)});
    m_plan = std::move(plan);
}

void TrafficSimulator::step(double seconds)
{
    if (configurationChanged() || !m_plan)
        rebuild();
    m_pendingRequests += m_active.requestsPerSecond * seconds;
    const double requests = std::floor(m_pendingRequests);
    m_pendingRequests -= requests;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Edge& entry = m_plan->entry.edges.front();
    for (double i = 0; i < requests; ++i) {
        // Which kind of user sends it: each class takes its share, plain requests the rest.
        int users = -1;
        double share = m_active.users.empty() ? 1.0 : unit(m_random);
        for (std::size_t k = 0; k < m_active.users.size() && users < 0; ++k) {
            share -= m_active.users[k].share;
            if (share < 0)
                users = static_cast<int>(k);
        }
        call(m_plan->entry, entry, users, 0);
    }
}

TrafficSimulator::Route& TrafficSimulator::routeOf(const Node& caller, Edge& edge, int users)
{
    auto& route = edge.routes[static_cast<std::size_t>(users + 1)];
    if (route)
        return *route;
    // Headers and query come from the user class and the path from the call edge, so the edge and
    // the user class identify the request completely.
    MeshRouter::Request request;
    request.path = edge.call ? edge.call->path : m_active.entryPath;
    if (users >= 0) {
        const auto& kind = m_active.users[static_cast<std::size_t>(users)];
        request.headers = kind.headers;
        request.queryParams = kind.queryParams;
        if (!edge.call && !kind.path.empty())
            request.path = kind.path;
    }
    route = std::make_unique<Route>();
    route->caller = &caller.peer;
    route->decision = m_plan->router->route(edge.service, caller.peer.caller, request);
    const Workload* first = m_plan->router->workloads().data();
    for (const auto& target : route->decision.targets)
        route->destinations.push_back(target.workload ? &m_plan->nodes[static_cast<std::size_t>(target.workload - first)]
                                                      : nullptr);
    route->series.resize(route->decision.targets.size());
    return *route;
}

std::size_t TrafficSimulator::pick(const std::vector<MeshRouter::Target>& targets)
{
    double share = std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        share -= targets[i].share;
        if (share < 0)
            return i;
    }
    return targets.size() - 1; // rounding left a sliver
}

bool TrafficSimulator::fires(double share)
{
    return share >= 1 || (share > 0 && std::bernoulli_distribution(share)(m_random));
}

TrafficSimulator::Outcome TrafficSimulator::call(const Node& caller, Edge& edge, int users, int depth)
{
    Route& route = routeOf(caller, edge, users);
    if (route.decision.targets.empty())
        return {0, 0, true}; // a service that does not exist: the caller cannot even resolve it
    const std::size_t target = pick(route.decision.targets);
    const MeshRouter::Target& chosen = route.decision.targets[target];
    const MeshRouter::Fault& fault = route.decision.fault;
    const double timeoutMs = edge.call ? edge.call->timeoutMs : 0;

    // The caller's sidecar runs the fault filter before routing: a delay holds the request, an
    // abort answers it without any upstream seeing it.
    double delayMs = 0;
    std::string sourceFlags = "-";
    if (fires(fault.delayShare)) {
        delayMs = fault.delayMs;
        sourceFlags = "DI";
    }
    IstioMetrics::Observation observation;
    if (timeoutMs > 0 && delayMs >= timeoutMs) {
        // The caller gives up while its own sidecar still holds the request.
        observation.durationMs = timeoutMs;
        observation.requestBytes = std::round(draw(m_active.defaults.requestBytes));
        report(route, target, true, 0, joinFlags(sourceFlags, "DC"), observation);
        return {timeoutMs, 0, true};
    }
    if (fires(fault.abortShare)) {
        observation.durationMs = 0.1 + std::uniform_real_distribution<double>(0.0, 0.2)(m_random);
        observation.requestBytes = std::round(draw(m_active.defaults.requestBytes));
        observation.responseBytes = 18; // "fault filter abort"
        report(route, target, true, fault.abortStatus, joinFlags(sourceFlags, "FI"), observation);
        return {observation.durationMs + delayMs, fault.abortStatus, fault.abortStatus >= 400};
    }
    Node* destination = route.destinations[target];
    if (!destination) {
        // Envoy answers by itself: only the caller's proxy sees the request, and its reply is
        // its short plain-text body ("no healthy upstream") or none at all.
        observation.durationMs = 0.2 + std::uniform_real_distribution<double>(0.0, 0.3)(m_random);
        observation.requestBytes = std::round(draw(m_active.defaults.requestBytes));
        observation.responseBytes = chosen.responseFlags == "UH" ? 19 : 0;
        report(route, target, true, chosen.localReplyCode, joinFlags(sourceFlags, chosen.responseFlags), observation);
        return {observation.durationMs + delayMs, chosen.localReplyCode, true};
    }

    const Scenario::Profile& profile = *destination->profile;
    observation.durationMs = draw(profile.latencyMs);
    observation.requestBytes = std::round(draw(profile.requestBytes));
    observation.responseBytes = std::round(draw(profile.responseBytes));
    bool calleeFailed = false;
    if (depth < MaxCallDepth) {
        for (Edge& next : destination->edges) {
            if (!fires(next.call->share))
                continue;
            Outcome outcome;
            for (int attempt = 0; attempt < next.call->attempts; ++attempt) {
                outcome = call(*destination, next, users, depth + 1);
                observation.durationMs += outcome.latencyMs;
                if (!outcome.failed)
                    break;
            }
            calleeFailed = calleeFailed || (outcome.failed && next.call->failCaller);
        }
    }
    const bool ownError = std::bernoulli_distribution(profile.errorRate)(m_random);
    const int code = calleeFailed || ownError ? 500 : 200;

    // The caller's proxy also counts the hop back to it and any delay it injected.
    const double sourceDurationMs = observation.durationMs + delayMs + ProxyHopMs;
    if (timeoutMs > 0 && sourceDurationMs > timeoutMs) {
        // The caller closed the connection at its timeout: both sidecars log a downstream
        // disconnect with no response code, and no response body went back.
        IstioMetrics::Observation cut = observation;
        cut.durationMs = std::min(observation.durationMs, std::max(0.0, timeoutMs - delayMs - ProxyHopMs));
        cut.responseBytes = 0;
        report(route, target, false, 0, "DC", cut);
        cut.durationMs = timeoutMs;
        report(route, target, true, 0, joinFlags(sourceFlags, "DC"), cut);
        return {timeoutMs, 0, true};
    }
    report(route, target, false, code, chosen.responseFlags, observation);
    observation.durationMs = sourceDurationMs;
    report(route, target, true, code, sourceFlags == "-" ? chosen.responseFlags : sourceFlags, observation);
    return {sourceDurationMs, code, code >= 400};
}

double TrafficSimulator::draw(const Scenario::LogNormal& distribution)
{
    return std::lognormal_distribution<double>(std::log(distribution.median), distribution.sigma)(m_random);
}

IstioMetrics::Labels TrafficSimulator::labelsOf(const Peer& caller, const MeshRouter::Target& target,
                                                const Peer* destination) const
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
    labels.sourceCluster = knownSource ? "Kubernetes" : "unknown";
    labels.destinationWorkload = destination ? destination->workload : "unknown";
    labels.destinationWorkloadNamespace = destination ? destination->namespaceName : "unknown";
    labels.destinationApp = destination ? destination->app : "unknown";
    labels.destinationVersion = destination ? destination->version : "unknown";
    labels.destinationCanonicalService = destination ? destination->canonicalService : "unknown";
    labels.destinationCanonicalRevision = destination ? destination->canonicalRevision : "latest";
    labels.destinationPrincipal = destination ? destination->principal : "unknown";
    labels.destinationCluster = destination ? "Kubernetes" : "unknown";
    labels.destinationService = target.service + '.' + m_active.namespaceName + ".svc.cluster.local";
    labels.destinationServiceName = target.service;
    labels.destinationServiceNamespace = m_active.namespaceName;
    return labels;
}

void TrafficSimulator::report(Route& route, std::size_t target, bool sourceReporter, int code,
                              const std::string& flags, IstioMetrics::Observation observation)
{
    // A client without a proxy reports nothing; its requests are seen by the destination alone.
    if (sourceReporter && !route.caller->proxy)
        return;
    auto& known = route.series[target];
    auto found = std::find_if(known.begin(), known.end(), [&](const Route::Series& series) {
        return series.sourceReporter == sourceReporter && series.code == code && series.flags == flags;
    });
    if (found == known.end()) {
        const Node* destination = route.destinations[target];
        IstioMetrics::Labels labels =
            labelsOf(*route.caller, route.decision.targets[target], destination ? &destination->peer : nullptr);
        labels.reporter = sourceReporter ? "source" : "destination";
        // Without a client proxy there is no mTLS: the request arrives in plain text.
        labels.connectionSecurityPolicy = sourceReporter ? "unknown" : route.caller->proxy ? "mutual_tls" : "none";
        labels.responseCode = std::to_string(code);
        labels.responseFlags = flags;
        known.push_back({sourceReporter, code, flags, &m_metrics.series(labels)});
        found = std::prev(known.end());
    }
    m_metrics.record(*found->series, observation);
}

} // namespace democluster

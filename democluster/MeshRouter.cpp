// SPDX-License-Identifier: Apache-2.0
#include "MeshRouter.h"

#include "LabelSelector.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <tuple>
#include <unordered_map>

namespace democluster {

struct MeshRouter::Snapshot {
    std::vector<nlohmann::json> services;
    std::vector<nlohmann::json> virtualServices;
    std::vector<nlohmann::json> destinationRules;
    std::vector<nlohmann::json> httpRoutes;
    // Indexes by service name. Istio uses the oldest object when several claim a host; the store
    // lists by name, so here the first by name wins.
    std::unordered_map<std::string, const nlohmann::json*> serviceByName;
    std::unordered_map<std::string, const nlohmann::json*> virtualServiceByService;
    std::unordered_map<std::string, const nlohmann::json*> destinationRuleByService;
    std::unordered_map<std::string, std::vector<const nlohmann::json*>> httpRoutesByService;
    // Workload indexes by each "key=value" of their labels, for selectors.
    std::unordered_map<std::string, std::vector<const Workload*>> workloadsByLabel;
    std::unordered_map<std::string, std::vector<const Workload*>> backendsByService; // filled on demand
};

namespace {

std::vector<nlohmann::json> listOf(const ObjectStore& store, const ResourceRegistry& registry, const char* group,
                                   const char* plural, const std::string& namespaceName)
{
    std::vector<nlohmann::json> objects;
    if (const ResourceType* type = registry.find(group, "v1", plural))
        store.list(*type, namespaceName, objects);
    return objects;
}

const nlohmann::json& field(const nlohmann::json& object, std::initializer_list<const char*> path)
{
    static const nlohmann::json null;
    const nlohmann::json* current = &object;
    for (const char* key : path) {
        if (!current->is_object())
            return null;
        const auto found = current->find(key);
        if (found == current->end())
            return null;
        current = &*found;
    }
    return *current;
}

// The array itself, or an empty one: lets a loop skip a missing list without copying either.
const nlohmann::json& arrayOrEmpty(const nlohmann::json& value)
{
    static const nlohmann::json empty = nlohmann::json::array();
    return value.is_array() ? value : empty;
}

bool mapMatches(const nlohmann::json& wanted, const std::map<std::string, std::string>& labels)
{
    if (!wanted.is_object())
        return false;
    for (const auto& [key, value] : wanted.items()) {
        const auto found = labels.find(key);
        if (!value.is_string() || found == labels.end() || found->second != value.get<std::string>())
            return false;
    }
    return true;
}

// Istio's StringMatch: exact, prefix or regex (RE2, which must match the whole value).
bool stringMatches(const nlohmann::json& match, const std::string& value, bool ignoreCase = false)
{
    if (!match.is_object())
        return false;
    const auto lower = [&](std::string text) {
        if (ignoreCase) {
            for (char& c : text)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return text;
    };
    if (const auto exact = match.find("exact"); exact != match.end())
        return exact->is_string() && lower(exact->get<std::string>()) == lower(value);
    if (const auto prefix = match.find("prefix"); prefix != match.end())
        return prefix->is_string() && lower(value).starts_with(lower(prefix->get<std::string>()));
    if (const auto regex = match.find("regex"); regex != match.end()) {
        if (!regex->is_string())
            return false;
        try {
            return std::regex_match(value, std::regex(regex->get<std::string>(), std::regex::ECMAScript));
        } catch (const std::regex_error&) {
            return false; // istiod rejects an invalid regex; one that slipped through matches nothing
        }
    }
    return match.empty(); // {} means "present", which the caller has already checked
}

// Each named header (or query parameter) must be present and match.
bool allPresentAndMatch(const nlohmann::json& wanted, const std::map<std::string, std::string>& values)
{
    if (!wanted.is_object())
        return false;
    for (const auto& [name, match] : wanted.items()) {
        const auto found = values.find(name);
        if (found == values.end() || !stringMatches(match, found->second))
            return false;
    }
    return true;
}

bool matchBlockApplies(const nlohmann::json& block, const MeshRouter::Caller& caller, const MeshRouter::Request& request)
{
    if (!block.is_object())
        return false;
    const bool ignoreUriCase = block.value("ignoreUriCase", false);
    for (const auto& [key, value] : block.items()) {
        if (key == "name" || key == "ignoreUriCase")
            continue;
        if (key == "sourceLabels" && mapMatches(value, caller.labels))
            continue;
        if (key == "sourceNamespace" && value.is_string() && value.get<std::string>() == caller.namespaceName)
            continue;
        if (key == "headers" && allPresentAndMatch(value, request.headers))
            continue;
        if (key == "queryParams" && allPresentAndMatch(value, request.queryParams))
            continue;
        if (key == "uri" && stringMatches(value, request.path, ignoreUriCase))
            continue;
        if (key == "method" && stringMatches(value, request.method))
            continue;
        if (key == "withoutHeaders" && value.is_object()) {
            const bool anyMatches = std::any_of(value.items().begin(), value.items().end(), [&](const auto& item) {
                const auto found = request.headers.find(item.key());
                return found != request.headers.end() && stringMatches(item.value(), found->second);
            });
            if (!anyMatches)
                continue;
        }
        // A condition not simulated (port, gateways, authority, scheme) or not met.
        return false;
    }
    return true;
}

// "2s", "0.5s", "1500ms" (protobuf Duration JSON, plus the unit Istio's examples sometimes use).
double durationMs(const nlohmann::json& value)
{
    if (!value.is_string())
        return 0;
    const std::string text = value.get<std::string>();
    const bool millis = text.ends_with("ms");
    if (!millis && !text.ends_with('s'))
        return 0;
    try {
        const double number = std::stod(text.substr(0, text.size() - (millis ? 2 : 1)));
        return number > 0 ? (millis ? number : number * 1000) : 0;
    } catch (const std::exception&) {
        return 0;
    }
}

// A percentage{value} as a share; missing means the fault never fires.
double shareOf(const nlohmann::json& fault)
{
    const auto& value = field(fault, {"percentage", "value"});
    return value.is_number() ? std::clamp(value.get<double>() / 100.0, 0.0, 1.0) : 0.0;
}

MeshRouter::Fault faultOf(const nlohmann::json& httpRoute)
{
    MeshRouter::Fault fault;
    const auto& delay = field(httpRoute, {"fault", "delay"});
    if (delay.is_object()) {
        fault.delayMs = durationMs(field(delay, {"fixedDelay"}));
        fault.delayShare = fault.delayMs > 0 ? shareOf(delay) : 0;
    }
    const auto& abort = field(httpRoute, {"fault", "abort"});
    const auto& status = field(abort, {"httpStatus"});
    if (status.is_number_integer()) {
        fault.abortStatus = status.get<int>();
        fault.abortShare = shareOf(abort);
    }
    return fault;
}


// Gateway API HTTPRouteMatch: path (PathPrefix by path elements, Exact, RegularExpression),
// headers (names case-insensitive) and queryParams (Exact or RegularExpression), method.
bool gatewayValueMatches(const nlohmann::json& match, const std::string& value)
{
    const std::string wanted = match.value("value", "");
    if (match.value("type", "Exact") == "RegularExpression") {
        try {
            return std::regex_match(value, std::regex(wanted, std::regex::ECMAScript));
        } catch (const std::regex_error&) {
            return false;
        }
    }
    return value == wanted;
}

bool gatewayPathMatches(const nlohmann::json& path, const std::string& requestPath)
{
    if (!path.is_object())
        return true; // the default: PathPrefix "/"
    const std::string type = path.value("type", "PathPrefix");
    std::string value = path.value("value", "/");
    if (type != "PathPrefix")
        return gatewayValueMatches({{"type", type}, {"value", value}}, requestPath);
    while (value.size() > 1 && value.back() == '/')
        value.pop_back();
    return value == "/" || requestPath == value || requestPath.starts_with(value + '/');
}

bool gatewayMatchApplies(const nlohmann::json& match, const MeshRouter::Request& request)
{
    if (!gatewayPathMatches(field(match, {"path"}), request.path))
        return false;
    if (match.contains("method") && match.value("method", "") != request.method)
        return false;
    for (const auto& header : arrayOrEmpty(field(match, {"headers"}))) {
        std::string name = header.value("name", "");
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto found = request.headers.find(name);
        if (found == request.headers.end() || !gatewayValueMatches(header, found->second))
            return false;
    }
    for (const auto& param : arrayOrEmpty(field(match, {"queryParams"}))) {
        const auto found = request.queryParams.find(param.value("name", ""));
        if (found == request.queryParams.end() || !gatewayValueMatches(param, found->second))
            return false;
    }
    return true;
}

// The spec's precedence among matching rules: an exact path, then the longest prefix, then a
// method, then the most headers, then the most query parameters; ties go to the earlier rule.
std::tuple<bool, std::size_t, bool, std::size_t, std::size_t> gatewayPrecedence(const nlohmann::json& match)
{
    const auto& path = field(match, {"path"});
    const bool exact = path.is_object() && path.value("type", "PathPrefix") == "Exact";
    const std::size_t prefix = path.is_object() ? path.value("value", "/").size() : 1;
    const auto count = [&](const char* key) { return field(match, {key}).is_array() ? field(match, {key}).size() : 0; };
    return {exact, prefix, match.contains("method"), count("headers"), count("queryParams")};
}
} // namespace

MeshRouter::MeshRouter(const ObjectStore& store, const ResourceRegistry& registry, std::string namespaceName)
    : m_namespace(std::move(namespaceName))
    , m_snapshot(std::make_unique<Snapshot>())
{
    Snapshot& snapshot = *m_snapshot;
    snapshot.services = listOf(store, registry, "", "services", m_namespace);
    snapshot.virtualServices = listOf(store, registry, "networking.istio.io", "virtualservices", m_namespace);
    snapshot.destinationRules = listOf(store, registry, "networking.istio.io", "destinationrules", m_namespace);
    snapshot.httpRoutes = listOf(store, registry, "gateway.networking.k8s.io", "httproutes", m_namespace);
    for (const auto& service : snapshot.services)
        snapshot.serviceByName.emplace(field(service, {"metadata", "name"}).get<std::string>(), &service);
    for (const auto& virtualService : snapshot.virtualServices) {
        const auto& hosts = field(virtualService, {"spec", "hosts"});
        for (const auto& host : arrayOrEmpty(hosts)) {
            if (host.is_string())
                snapshot.virtualServiceByService.emplace(serviceOfHost(host.get<std::string>()), &virtualService);
        }
    }
    for (const auto& rule : snapshot.destinationRules) {
        const auto& host = field(rule, {"spec", "host"});
        if (host.is_string())
            snapshot.destinationRuleByService.emplace(serviceOfHost(host.get<std::string>()), &rule);
    }
    // GAMMA: an HTTPRoute whose parentRef is a Service of this namespace routes that Service's traffic.
    for (const auto& route : snapshot.httpRoutes) {
        const auto& parents = field(route, {"spec", "parentRefs"});
        for (const auto& parent : arrayOrEmpty(parents)) {
            if (parent.value("kind", "") == "Service" && parent.value("group", "") == ""
                && parent.value("namespace", m_namespace) == m_namespace && parent.contains("name"))
                snapshot.httpRoutesByService[parent.value("name", "")].push_back(&route);
        }
    }

    const auto deployments = listOf(store, registry, "apps", "deployments", m_namespace);
    m_workloads.reserve(deployments.size());
    // Deployments indexed by one pair of their selector, so counting pods is not pods x deployments.
    std::unordered_map<std::string, std::vector<std::pair<std::size_t, const nlohmann::json*>>> deploymentsByPair;
    for (const auto& deployment : deployments) {
        Workload workload;
        workload.name = field(deployment, {"metadata", "name"}).get<std::string>();
        workload.namespaceName = m_namespace;
        for (const auto& [key, value] : field(deployment, {"spec", "template", "metadata", "labels"}).items()) {
            if (value.is_string())
                workload.labels[key] = value.get<std::string>();
        }
        const auto& account = field(deployment, {"spec", "template", "spec", "serviceAccountName"});
        workload.serviceAccount = account.is_string() ? account.get<std::string>() : "default";
        const auto& matchLabels = field(deployment, {"spec", "selector", "matchLabels"});
        if (matchLabels.is_object() && !matchLabels.empty() && matchLabels.begin().value().is_string()) {
            deploymentsByPair[matchLabels.begin().key() + '=' + matchLabels.begin().value().get<std::string>()]
                .emplace_back(m_workloads.size(), &matchLabels);
        }
        m_workloads.push_back(std::move(workload));
    }
    for (const auto& pod : listOf(store, registry, "", "pods", m_namespace)) {
        const auto& labels = field(pod, {"metadata", "labels"});
        if (!labels.is_object() || field(pod, {"status", "phase"}) != "Running"
            || !field(pod, {"metadata", "deletionTimestamp"}).is_null())
            continue;
        std::map<std::string, std::string> podLabels;
        for (const auto& [key, value] : labels.items()) {
            if (value.is_string())
                podLabels[key] = value.get<std::string>();
        }
        for (const auto& [key, value] : podLabels) {
            const auto candidates = deploymentsByPair.find(key + '=' + value);
            if (candidates == deploymentsByPair.end())
                continue;
            for (const auto& [index, matchLabels] : candidates->second) {
                if (mapMatches(*matchLabels, podLabels))
                    ++m_workloads[index].readyPods;
            }
        }
    }
    for (const auto& workload : m_workloads) {
        for (const auto& [key, value] : workload.labels)
            snapshot.workloadsByLabel[key + '=' + value].push_back(&workload);
    }
}

MeshRouter::~MeshRouter() = default;

std::string MeshRouter::serviceOfHost(const std::string& host) const
{
    const std::size_t dot = host.find('.');
    const std::string name = host.substr(0, dot);
    if (dot != std::string::npos) {
        const std::string rest = host.substr(dot + 1);
        if (rest != m_namespace && rest != m_namespace + ".svc" && rest != m_namespace + ".svc.cluster.local")
            return {};
    }
    return name;
}

const nlohmann::json* MeshRouter::applicableHttpRoute(const nlohmann::json& virtualService, const Caller& caller,
                                                      const Request& request) const
{
    const auto& routes = field(virtualService, {"spec", "http"});
    if (!routes.is_array())
        return nullptr;
    for (const auto& route : routes) {
        const auto& matches = field(route, {"match"});
        const bool applies = !matches.is_array() || matches.empty()
                             || std::any_of(matches.begin(), matches.end(), [&](const nlohmann::json& block) {
                                    return matchBlockApplies(block, caller, request);
                                });
        if (applies)
            return &route;
    }
    return nullptr;
}

const nlohmann::json* MeshRouter::serviceObject(const std::string& service) const
{
    const auto found = m_snapshot->serviceByName.find(service);
    return found == m_snapshot->serviceByName.end() ? nullptr : found->second;
}

const std::vector<const Workload*>& MeshRouter::backends(const std::string& service) const
{
    auto [cached, inserted] = m_snapshot->backendsByService.try_emplace(service);
    if (!inserted)
        return cached->second;
    const nlohmann::json* object = serviceObject(service);
    if (!object)
        return cached->second;
    const auto& selector = field(*object, {"spec", "selector"});
    // A Service without a selector has no endpoints the mesh knows of.
    if (!selector.is_object() || selector.empty() || !selector.begin().value().is_string())
        return cached->second;
    const auto candidates =
        m_snapshot->workloadsByLabel.find(selector.begin().key() + '=' + selector.begin().value().get<std::string>());
    if (candidates == m_snapshot->workloadsByLabel.end())
        return cached->second;
    for (const Workload* workload : candidates->second) {
        if (mapMatches(selector, workload->labels))
            cached->second.push_back(workload);
    }
    return cached->second;
}

std::vector<const Workload*> MeshRouter::backends(const std::string& service, const nlohmann::json* subsetLabels) const
{
    std::vector<const Workload*> result;
    for (const Workload* workload : backends(service)) {
        if (!subsetLabels || mapMatches(*subsetLabels, workload->labels))
            result.push_back(workload);
    }
    return result;
}

void MeshRouter::spread(const std::string& service, const std::vector<const Workload*>& candidates, double share,
                        const char* flagsWhenEmpty, std::vector<Target>& targets) const
{
    int pods = 0;
    for (const auto* workload : candidates)
        pods += workload->readyPods;
    if (pods == 0) {
        targets.push_back({service, nullptr, share, flagsWhenEmpty});
        return;
    }
    for (const auto* workload : candidates) {
        if (workload->readyPods > 0)
            targets.push_back({service, workload, share * workload->readyPods / pods, "-"});
    }
}

MeshRouter::Decision MeshRouter::routeByHttpRoutes(const std::string& service,
                                                   const std::vector<const nlohmann::json*>& httpRoutes,
                                                   const Request& request) const
{
    static const nlohmann::json matchEverything = nlohmann::json::object();
    const nlohmann::json* chosen = nullptr;
    std::tuple<bool, std::size_t, bool, std::size_t, std::size_t> best;
    for (const nlohmann::json* httpRoute : httpRoutes) {
        const auto& rules = field(*httpRoute, {"spec", "rules"});
        for (const auto& rule : arrayOrEmpty(rules)) {
            const auto& matches = field(rule, {"matches"});
            const bool none = !matches.is_array() || matches.empty();
            for (const auto& match : none ? nlohmann::json::array({matchEverything}) : matches) {
                if (!gatewayMatchApplies(match, request))
                    continue;
                const auto precedence = gatewayPrecedence(match);
                if (!chosen || precedence > best) {
                    chosen = &rule;
                    best = precedence;
                }
            }
        }
    }
    Decision decision;
    if (!chosen) {
        decision.targets.push_back({service, nullptr, 1.0, "NR", 404});
        return decision;
    }
    // Weights default to 1 and are relative; with all of them zero the route answers 500, and so
    // does the share of a backend that does not exist.
    const auto& backendRefs = field(*chosen, {"backendRefs"});
    const auto weightOf = [](const nlohmann::json& backend) {
        const auto& weight = field(backend, {"weight"});
        return weight.is_number() ? std::max(0.0, weight.get<double>()) : 1.0;
    };
    double total = 0;
    for (const auto& backend : arrayOrEmpty(backendRefs))
        total += weightOf(backend);
    if (total <= 0) {
        decision.targets.push_back({service, nullptr, 1.0, "-", 500});
        return decision;
    }
    for (const auto& backend : backendRefs) {
        const double share = weightOf(backend) / total;
        const std::string name = backend.value("name", "");
        if (share <= 0)
            continue;
        if (backend.value("kind", "Service") != "Service" || backend.value("group", "") != ""
            || backend.value("namespace", m_namespace) != m_namespace || !serviceObject(name))
            decision.targets.push_back({name.empty() ? service : name, nullptr, share, "-", 500});
        else
            spread(name, backends(name, nullptr), share, "UH", decision.targets);
    }
    return decision;
}

MeshRouter::Decision MeshRouter::route(const std::string& service, const Caller& caller, const Request& request) const
{
    Decision decision;
    std::vector<Target>& targets = decision.targets;
    const auto attached = m_snapshot->httpRoutesByService.find(service);
    if (attached != m_snapshot->httpRoutesByService.end())
        return routeByHttpRoutes(service, attached->second, request);
    const auto found = m_snapshot->virtualServiceByService.find(service);
    const nlohmann::json* virtualService = found == m_snapshot->virtualServiceByService.end() ? nullptr : found->second;
    const bool hasHttpRoutes = virtualService && field(*virtualService, {"spec", "http"}).is_array()
                               && !field(*virtualService, {"spec", "http"}).empty();
    const nlohmann::json* httpRoute = hasHttpRoutes ? applicableHttpRoute(*virtualService, caller, request) : nullptr;
    // HTTP routes exist but none applies: Envoy's route table has no entry for the request.
    if (hasHttpRoutes && !httpRoute) {
        targets.push_back({service, nullptr, 1.0, "NR", 404});
        return decision;
    }
    const auto& destinations = httpRoute ? field(*httpRoute, {"route"}) : nlohmann::json();
    // Without a VirtualService (or a route with destinations), kube-proxy-like: every pod alike.
    if (!destinations.is_array() || destinations.empty()) {
        if (serviceObject(service))
            spread(service, backends(service, nullptr), 1.0, "UH", targets);
        return decision;
    }
    decision.fault = faultOf(*httpRoute);

    // Weights are relative (Istio >= 1.15); a lone destination takes everything.
    const auto weightOf = [](const nlohmann::json& destination) {
        const auto& weight = field(destination, {"weight"});
        return weight.is_number() ? std::max(0.0, weight.get<double>()) : 0.0;
    };
    double total = 0;
    for (const auto& destination : destinations)
        total += weightOf(destination);
    for (const auto& destination : destinations) {
        const double share = destinations.size() == 1 ? 1.0
                             : total > 0              ? weightOf(destination) / total
                                                      : 1.0 / static_cast<double>(destinations.size());
        if (share <= 0)
            continue;
        const std::string host = field(destination, {"destination", "host"}).is_string()
                                     ? field(destination, {"destination", "host"}).get<std::string>()
                                     : std::string();
        const std::string target = serviceOfHost(host);
        const auto& subset = field(destination, {"destination", "subset"});
        if (!subset.is_string()) {
            spread(target, backends(target, nullptr), share, "UH", targets);
            continue;
        }
        const nlohmann::json* subsetLabels = nullptr;
        const auto rule = m_snapshot->destinationRuleByService.find(target);
        const auto& subsets = rule == m_snapshot->destinationRuleByService.end()
                                  ? arrayOrEmpty(nlohmann::json())
                                  : arrayOrEmpty(field(*rule->second, {"spec", "subsets"}));
        for (const auto& candidate : arrayOrEmpty(subsets)) {
            // A subset without labels selects every endpoint of the service.
            static const nlohmann::json anyLabels = nlohmann::json::object();
            if (field(candidate, {"name"}) == subset)
                subsetLabels = field(candidate, {"labels"}).is_object() ? &field(candidate, {"labels"}) : &anyLabels;
        }
        // A subset no DestinationRule defines has no Envoy cluster: "no route" (NR).
        if (!subsetLabels)
            targets.push_back({target, nullptr, share, "NR"});
        else
            spread(target, backends(target, subsetLabels), share, "UH", targets);
    }
    return decision;
}

} // namespace democluster

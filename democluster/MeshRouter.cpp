// SPDX-License-Identifier: Apache-2.0
#include "MeshRouter.h"

#include "LabelSelector.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace democluster {

struct MeshRouter::Snapshot {
    std::vector<nlohmann::json> services;
    std::vector<nlohmann::json> virtualServices;
    std::vector<nlohmann::json> destinationRules;
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

} // namespace

MeshRouter::MeshRouter(const ObjectStore& store, const ResourceRegistry& registry, std::string namespaceName)
    : m_namespace(std::move(namespaceName))
    , m_snapshot(std::make_unique<Snapshot>())
{
    m_snapshot->services = listOf(store, registry, "", "services", m_namespace);
    m_snapshot->virtualServices = listOf(store, registry, "networking.istio.io", "virtualservices", m_namespace);
    m_snapshot->destinationRules = listOf(store, registry, "networking.istio.io", "destinationrules", m_namespace);
    const auto pods = listOf(store, registry, "", "pods", m_namespace);
    for (const auto& deployment : listOf(store, registry, "apps", "deployments", m_namespace)) {
        Workload workload;
        workload.name = field(deployment, {"metadata", "name"}).get<std::string>();
        workload.namespaceName = m_namespace;
        for (const auto& [key, value] : field(deployment, {"spec", "template", "metadata", "labels"}).items()) {
            if (value.is_string())
                workload.labels[key] = value.get<std::string>();
        }
        const auto& account = field(deployment, {"spec", "template", "spec", "serviceAccountName"});
        workload.serviceAccount = account.is_string() ? account.get<std::string>() : "default";
        const auto selector = LabelSelector::fromMatchLabels(field(deployment, {"spec", "selector", "matchLabels"}));
        workload.readyPods = static_cast<int>(std::count_if(pods.begin(), pods.end(), [&](const nlohmann::json& pod) {
            return !selector.empty() && selector.matches(field(pod, {"metadata", "labels"}))
                   && field(pod, {"status", "phase"}) == "Running";
        }));
        m_workloads.push_back(std::move(workload));
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

const nlohmann::json* MeshRouter::virtualServiceFor(const std::string& service) const
{
    for (const auto& virtualService : m_snapshot->virtualServices) {
        const auto& hosts = field(virtualService, {"spec", "hosts"});
        if (!hosts.is_array())
            continue;
        for (const auto& host : hosts) {
            if (host.is_string() && serviceOfHost(host.get<std::string>()) == service)
                return &virtualService;
        }
    }
    return nullptr;
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
    const auto found = std::find_if(m_snapshot->services.begin(), m_snapshot->services.end(), [&](const auto& object) {
        return field(object, {"metadata", "name"}) == service;
    });
    return found == m_snapshot->services.end() ? nullptr : &*found;
}

std::vector<const Workload*> MeshRouter::backends(const std::string& service, const nlohmann::json* subsetLabels) const
{
    std::vector<const Workload*> result;
    const nlohmann::json* object = serviceObject(service);
    if (!object)
        return result;
    const auto selector = LabelSelector::fromMatchLabels(field(*object, {"spec", "selector"}));
    for (const auto& workload : m_workloads) {
        nlohmann::json labels(workload.labels);
        if (!selector.empty() && selector.matches(labels) && (!subsetLabels || mapMatches(*subsetLabels, workload.labels)))
            result.push_back(&workload);
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

MeshRouter::Decision MeshRouter::route(const std::string& service, const Caller& caller, const Request& request) const
{
    Decision decision;
    std::vector<Target>& targets = decision.targets;
    const nlohmann::json* virtualService = virtualServiceFor(service);
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
        for (const auto& rule : m_snapshot->destinationRules) {
            const auto& ruleHost = field(rule, {"spec", "host"});
            if (!ruleHost.is_string() || serviceOfHost(ruleHost.get<std::string>()) != target)
                continue;
            for (const auto& candidate : field(rule, {"spec", "subsets"})) {
                if (field(candidate, {"name"}) == subset)
                    subsetLabels = &field(candidate, {"labels"});
            }
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

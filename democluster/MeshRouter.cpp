// SPDX-License-Identifier: Apache-2.0
#include "MeshRouter.h"

#include "LabelSelector.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"

#include <nlohmann/json.hpp>

#include <algorithm>

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

// Simulated requests carry no path, headers or query parameters, so only conditions on the source
// can hold; a block with any other condition never applies (yet).
bool matchBlockApplies(const nlohmann::json& block, const MeshRouter::Caller& caller)
{
    if (!block.is_object())
        return false;
    for (const auto& [key, value] : block.items()) {
        if (key == "name")
            continue;
        if (key == "sourceLabels" && mapMatches(value, caller.labels))
            continue;
        if (key == "sourceNamespace" && value.is_string() && value.get<std::string>() == caller.namespaceName)
            continue;
        return false;
    }
    return true;
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

const nlohmann::json* MeshRouter::applicableHttpRoute(const nlohmann::json& virtualService, const Caller& caller) const
{
    const auto& routes = field(virtualService, {"spec", "http"});
    if (!routes.is_array())
        return nullptr;
    for (const auto& route : routes) {
        const auto& matches = field(route, {"match"});
        const bool applies = !matches.is_array() || matches.empty()
                             || std::any_of(matches.begin(), matches.end(), [&](const nlohmann::json& block) {
                                    return matchBlockApplies(block, caller);
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

std::vector<MeshRouter::Target> MeshRouter::route(const std::string& service, const Caller& caller) const
{
    std::vector<Target> targets;
    const nlohmann::json* virtualService = virtualServiceFor(service);
    const nlohmann::json* httpRoute = virtualService ? applicableHttpRoute(*virtualService, caller) : nullptr;
    const auto& destinations = httpRoute ? field(*httpRoute, {"route"}) : nlohmann::json();
    // Without a VirtualService (or an applicable route), kube-proxy-like: every pod alike.
    // TODO(match blocks): a VirtualService whose routes all fail to match makes Envoy answer 404 NR.
    if (!destinations.is_array() || destinations.empty()) {
        if (serviceObject(service))
            spread(service, backends(service, nullptr), 1.0, "UH", targets);
        return targets;
    }

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
    return targets;
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "EndpointsController.h"

#include "Log.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <stdexcept>

namespace democluster {

namespace {

const ResourceType& requireType(const ResourceRegistry& registry, const char* plural)
{
    const ResourceType* type = registry.find("", "v1", plural);
    if (!type)
        throw std::logic_error(std::string("the resource registry lacks ") + plural);
    return *type;
}

bool ready(const nlohmann::json& pod)
{
    // Compared as JSON values: a client-written pod may carry any types there.
    const nlohmann::json status = pod.value("status", nlohmann::json::object());
    if (!status.is_object() || status.value("phase", nlohmann::json()) != "Running"
        || pod["metadata"].contains("deletionTimestamp"))
        return false;
    for (const auto& condition : status.value("conditions", nlohmann::json::array())) {
        if (condition.is_object() && condition.value("type", nlohmann::json()) == "Ready")
            return condition.value("status", nlohmann::json()) == "True";
    }
    return false;
}

bool selects(const nlohmann::json& selector, const nlohmann::json& pod)
{
    const nlohmann::json labels = pod["metadata"].value("labels", nlohmann::json::object());
    for (const auto& [key, value] : selector.items()) {
        const auto found = labels.find(key);
        if (found == labels.end() || *found != value)
            return false;
    }
    return true;
}

// The port a service port reaches on one pod: a number, or a container port found by name.
std::optional<int> targetPortOn(const nlohmann::json& servicePort, const nlohmann::json& pod)
{
    const nlohmann::json target = servicePort.value("targetPort", servicePort.value("port", nlohmann::json()));
    if (target.is_number_integer())
        return target.get<int>();
    if (!target.is_string())
        return std::nullopt;
    for (const auto& container : pod.value("spec", nlohmann::json::object()).value("containers", nlohmann::json::array())) {
        for (const auto& port : container.value("ports", nlohmann::json::array())) {
            if (port.value("name", "") == target.get<std::string>() && port.contains("containerPort"))
                return port.value("containerPort", 0);
        }
    }
    return std::nullopt;
}

} // namespace

EndpointsController::EndpointsController(ObjectStore& store, const ResourceRegistry& registry)
    : m_store(store)
    , m_services(requireType(registry, "services"))
    , m_pods(requireType(registry, "pods"))
    , m_endpoints(requireType(registry, "endpoints"))
{
}

void EndpointsController::reconcile()
{
    if (m_store.resourceVersion() == m_lastSeenVersion)
        return;
    std::vector<nlohmann::json> services;
    std::vector<nlohmann::json> pods;
    std::vector<nlohmann::json> endpoints;
    m_store.list(m_services, {}, services);
    m_store.list(m_pods, {}, pods);
    m_store.list(m_endpoints, {}, endpoints);

    // Ready pods by namespace and label, so each service looks only at pods that may match.
    PodIndex byLabel;
    for (const auto& pod : pods) {
        if (!ready(pod))
            continue;
        const std::string namespaceName = pod["metadata"].value("namespace", "");
        const nlohmann::json labels = pod["metadata"].value("labels", nlohmann::json::object());
        for (const auto& [key, value] : labels.items())
            byLabel[namespaceName + '/' + key + '=' + (value.is_string() ? value.get<std::string>() : value.dump())].push_back(&pod);
    }
    ExistingIndex existing;
    for (const auto& object : endpoints)
        existing[{object["metadata"].value("namespace", ""), object["metadata"].value("name", "")}] = &object;

    std::set<std::pair<std::string, std::string>> wanted;
    const std::string now = rfc3339(std::chrono::system_clock::now());
    for (const auto& service : services) {
        try {
            reconcileService(service, byLabel, existing, wanted, now);
        } catch (const nlohmann::json::exception& error) {
            // A Service is whatever a client wrote: one the controller cannot read is left alone.
            logInfo("endpoints for service " + service["metadata"].value("name", "") + " skipped: " + error.what());
        }
    }
    for (const auto& [key, object] : existing) {
        const nlohmann::json annotations = (*object)["metadata"].value("annotations", nlohmann::json::object());
        if (!wanted.count(key) && annotations.contains(TriggerAnnotation))
            m_store.remove(m_endpoints, key.first, key.second);
    }
    m_lastSeenVersion = m_store.resourceVersion();
}

void EndpointsController::reconcileService(const nlohmann::json& service, const PodIndex& byLabel, const ExistingIndex& existing,
                                           std::set<std::pair<std::string, std::string>>& wanted, const std::string& now)
{
    const nlohmann::json spec = service.value("spec", nlohmann::json::object());
    const nlohmann::json selector = spec.value("selector", nlohmann::json::object());
    if (!selector.is_object() || selector.empty())
        return;
    const std::string namespaceName = service["metadata"].value("namespace", "");
    const std::string name = service["metadata"].value("name", "");
    wanted.insert({namespaceName, name});
    const auto first = selector.begin();
    const std::string firstLabel = namespaceName + '/' + first.key() + '='
                                   + (first.value().is_string() ? first.value().get<std::string>() : first.value().dump());
    const auto candidates = byLabel.find(firstLabel);
    const nlohmann::json subsets = subsetsFor(service, candidates == byLabel.end() ? std::vector<const nlohmann::json*>()
                                                                                     : candidates->second);
    const auto current = existing.find({namespaceName, name});
    if (current == existing.end()) {
        nlohmann::json object = {{"apiVersion", "v1"},
                                 {"kind", "Endpoints"},
                                 {"metadata",
                                  {{"name", name},
                                   {"namespace", namespaceName},
                                   {"labels", service["metadata"].value("labels", nlohmann::json::object())},
                                   {"annotations", {{TriggerAnnotation, now}}}}}};
        if (!subsets.empty())
            object["subsets"] = subsets;
        if (auto error = m_store.create(m_endpoints, object))
            logInfo("cannot create endpoints " + namespaceName + '/' + name + ": " + error->message());
    } else if (current->second->value("subsets", nlohmann::json::array()) != subsets) {
        m_store.update(m_endpoints, namespaceName, name, [&](nlohmann::json& object) -> std::optional<ApiStatus> {
            if (subsets.empty())
                object.erase("subsets");
            else
                object["subsets"] = subsets;
            object["metadata"]["annotations"][TriggerAnnotation] = now;
            return std::nullopt;
        });
    }
}

nlohmann::json EndpointsController::subsetsFor(const nlohmann::json& service,
                                               const std::vector<const nlohmann::json*>& candidates) const
{
    const nlohmann::json spec = service.value("spec", nlohmann::json::object());
    const nlohmann::json selector = spec.value("selector", nlohmann::json::object());
    nlohmann::json addresses = nlohmann::json::array();
    nlohmann::json ports = nlohmann::json::array();
    for (const nlohmann::json* pod : candidates) {
        if (!selects(selector, *pod))
            continue;
        const auto& metadata = (*pod)["metadata"];
        addresses.push_back({{"ip", pod->value("status", nlohmann::json::object()).value("podIP", "")},
                             {"nodeName", pod->value("spec", nlohmann::json::object()).value("nodeName", "")},
                             {"targetRef",
                              {{"kind", "Pod"},
                               {"namespace", metadata.value("namespace", "")},
                               {"name", metadata.value("name", "")},
                               {"uid", metadata.value("uid", "")}}}});
        if (!ports.empty())
            continue;
        for (const auto& servicePort : spec.value("ports", nlohmann::json::array())) {
            const auto target = targetPortOn(servicePort, *pod);
            if (!target)
                continue;
            nlohmann::json port = {{"port", *target}, {"protocol", servicePort.value("protocol", "TCP")}};
            if (servicePort.contains("name"))
                port["name"] = servicePort["name"];
            ports.push_back(std::move(port));
        }
    }
    if (addresses.empty())
        return nlohmann::json::array();
    return nlohmann::json::array({{{"addresses", addresses}, {"ports", ports}}});
}

} // namespace democluster

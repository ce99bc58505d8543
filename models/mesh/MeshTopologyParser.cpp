// SPDX-License-Identifier: Apache-2.0
#include "MeshTopologyParser.h"

#include <nlohmann/json.hpp>

#include <algorithm>

using nlohmann::json;

namespace {

QString str(const json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

Labels labelsOf(const json& object)
{
    Labels labels;
    if (!object.is_object())
        return labels;
    for (const auto& [key, value] : object.items()) {
        if (value.is_string())
            labels.insert(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
    }
    return labels;
}

const json& items(const RawObject& list)
{
    static const json empty = json::array();
    if (!list)
        return empty;
    const auto it = list->find("items");
    return it != list->end() && it->is_array() ? *it : empty;
}

const json& at(const json& object, std::initializer_list<const char*> path)
{
    static const json null;
    const json* current = &object;
    for (const char* key : path) {
        if (!current->is_object())
            return null;
        const auto it = current->find(key);
        if (it == current->end())
            return null;
        current = &*it;
    }
    return *current;
}

bool podIsReady(const json& pod)
{
    const json& conditions = at(pod, {"status", "conditions"});
    if (!conditions.is_array())
        return false;
    return std::any_of(conditions.begin(), conditions.end(), [](const json& c) {
        return c.value("type", "") == "Ready" && c.value("status", "") == "True";
    });
}

// Istio injects `istio-proxy` as a container, or as a native sidecar (an init container that keeps
// running) on Kubernetes 1.28+; Kiali looks for the same name.
bool podHasSidecar(const json& pod)
{
    for (const char* field : {"containers", "initContainers"}) {
        const json& containers = at(pod, {"spec", field});
        if (containers.is_array() && std::any_of(containers.begin(), containers.end(), [](const json& c) {
                return c.is_object() && c.value("name", "") == "istio-proxy";
            }))
            return true;
    }
    return false;
}

} // namespace

MeshTopology MeshTopologyParser::parse(const QString& namespaceName, const Lists& lists)
{
    MeshTopology topology;
    topology.namespaceName = namespaceName;

    for (const json& item : items(lists.services)) {
        topology.services.append({str(at(item, {"metadata"}), "name"), labelsOf(at(item, {"spec", "selector"}))});
    }

    QList<Labels> readyPodLabels;
    QList<Labels> podLabelsWithoutSidecar;
    for (const json& pod : items(lists.pods)) {
        const Labels labels = labelsOf(at(pod, {"metadata", "labels"}));
        if (podIsReady(pod))
            readyPodLabels.append(labels);
        if (!podHasSidecar(pod))
            podLabelsWithoutSidecar.append(labels);
    }

    for (const json& item : items(lists.deployments)) {
        MeshWorkload w;
        w.name = str(at(item, {"metadata"}), "name");
        w.podLabels = labelsOf(at(item, {"spec", "template", "metadata", "labels"}));
        w.app = w.podLabels.value(QStringLiteral("app"));
        w.version = w.podLabels.value(QStringLiteral("version"));
        const json& replicas = at(item, {"spec", "replicas"});
        w.desiredReplicas = replicas.is_number_integer() ? replicas.get<int>() : 1;
        const Labels selector = labelsOf(at(item, {"spec", "selector", "matchLabels"}));
        const auto selected = [&](const Labels& l) { return labelsMatch(selector, l); };
        w.readyPods = int(std::count_if(readyPodLabels.cbegin(), readyPodLabels.cend(), selected));
        w.podsWithoutSidecar = int(std::count_if(podLabelsWithoutSidecar.cbegin(), podLabelsWithoutSidecar.cend(), selected));
        topology.workloads.append(w);
    }

    for (const json& item : items(lists.virtualServices)) {
        MeshVirtualService vs;
        vs.name = str(at(item, {"metadata"}), "name");
        vs.resourceVersion = str(at(item, {"metadata"}), "resourceVersion");
        for (const json& host : at(item, {"spec", "hosts"})) {
            if (host.is_string())
                vs.hosts.append(QString::fromStdString(host.get<std::string>()));
        }
        vs.raw = std::make_shared<const json>(item);
        topology.virtualServices.append(vs);
    }

    for (const json& item : items(lists.destinationRules)) {
        MeshDestinationRule dr;
        dr.name = str(at(item, {"metadata"}), "name");
        dr.host = str(at(item, {"spec"}), "host");
        for (const json& subset : at(item, {"spec", "subsets"})) {
            dr.subsets.append({str(subset, "name"), labelsOf(at(subset, {"labels"}))});
        }
        dr.raw = std::make_shared<const json>(item);
        topology.destinationRules.append(dr);
    }

    for (const json& item : items(lists.httpRoutes)) {
        MeshHttpRoute route;
        route.name = str(at(item, {"metadata"}), "name");
        route.resourceVersion = str(at(item, {"metadata"}), "resourceVersion");
        for (const json& parent : at(item, {"spec", "parentRefs"})) {
            // GAMMA: a parent of kind Service in the core group; Gateways route ingress instead.
            if (parent.is_object() && parent.value("kind", "") == "Service" && parent.value("group", "") == "")
                route.parentServices.append(str(parent, "name"));
        }
        route.raw = std::make_shared<const json>(item);
        topology.httpRoutes.append(route);
    }

    auto byName = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(topology.services.begin(), topology.services.end(), byName);
    std::sort(topology.workloads.begin(), topology.workloads.end(), byName);
    return topology;
}

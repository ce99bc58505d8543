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

// Copies the value at `path` in `from` to the same place in `to`, if there is one.
void keep(json& to, const json& from, std::initializer_list<const char*> path)
{
    const json& value = at(from, path);
    if (value.is_null())
        return;
    json* target = &to;
    for (const char* key : path)
        target = &(*target)[key];
    *target = value;
}

// What every object keeps: the name and what an informer's cache keys and compares on.
json withMetadata(const json& object)
{
    json kept = json::object();
    for (const char* key : {"name", "namespace", "resourceVersion"})
        keep(kept, object, {"metadata", key});
    return kept;
}

} // namespace

RawObject MeshTopologyParser::serviceFields(const RawObject& service)
{
    json kept = withMetadata(*service);
    keep(kept, *service, {"spec", "selector"});
    return std::make_shared<const json>(std::move(kept));
}

RawObject MeshTopologyParser::deploymentFields(const RawObject& deployment)
{
    json kept = withMetadata(*deployment);
    keep(kept, *deployment, {"spec", "replicas"});
    keep(kept, *deployment, {"spec", "selector", "matchLabels"});
    keep(kept, *deployment, {"spec", "template", "metadata", "labels"});
    return std::make_shared<const json>(std::move(kept));
}

RawObject MeshTopologyParser::podFields(const RawObject& pod)
{
    json kept = withMetadata(*pod);
    keep(kept, *pod, {"metadata", "labels"});
    // Of the containers only their names (podHasSidecar), of the conditions only Ready (podIsReady).
    for (const char* field : {"containers", "initContainers"}) {
        const json& containers = at(*pod, {"spec", field});
        if (!containers.is_array())
            continue;
        json names = json::array();
        for (const json& container : containers)
            names.push_back(json::object({{"name", container.is_object() ? container.value("name", "") : ""}}));
        kept["spec"][field] = std::move(names);
    }
    const json& conditions = at(*pod, {"status", "conditions"});
    if (conditions.is_array()) {
        json ready = json::array();
        for (const json& condition : conditions) {
            if (condition.is_object() && condition.value("type", "") == "Ready")
                ready.push_back(json::object({{"type", "Ready"}, {"status", condition.value("status", "")}}));
        }
        kept["status"]["conditions"] = std::move(ready);
    }
    return std::make_shared<const json>(std::move(kept));
}

MeshTopologyParser::MeshTopologyParser(const QString& namespaceName)
{
    m_topology.namespaceName = namespaceName;
}

void MeshTopologyParser::addService(const json& service)
{
    m_topology.services.append({str(at(service, {"metadata"}), "name"), labelsOf(at(service, {"spec", "selector"}))});
}

void MeshTopologyParser::addPod(const json& pod)
{
    Pod summary{{}, podIsReady(pod), podHasSidecar(pod)};
    if (summary.ready || !summary.sidecar) {
        summary.labels = labelPairsOf(at(pod, {"metadata", "labels"}));
        m_pods.append(std::move(summary));
    }
}

void MeshTopologyParser::addDeployment(const json& deployment)
{
    MeshWorkload w;
    w.name = str(at(deployment, {"metadata"}), "name");
    w.podLabels = labelsOf(at(deployment, {"spec", "template", "metadata", "labels"}));
    w.app = w.podLabels.value(QStringLiteral("app"));
    w.version = w.podLabels.value(QStringLiteral("version"));
    const json& replicas = at(deployment, {"spec", "replicas"});
    w.desiredReplicas = replicas.is_number_integer() ? replicas.get<int>() : 1;
    m_topology.workloads.append(w);
    m_deploymentSelectors.append(labelPairsOf(at(deployment, {"spec", "selector", "matchLabels"})));
}

void MeshTopologyParser::addVirtualService(const RawObject& virtualService)
{
    const json& item = *virtualService;
    MeshVirtualService vs;
    vs.name = str(at(item, {"metadata"}), "name");
    vs.resourceVersion = str(at(item, {"metadata"}), "resourceVersion");
    for (const json& host : at(item, {"spec", "hosts"})) {
        if (host.is_string())
            vs.hosts.append(QString::fromStdString(host.get<std::string>()));
    }
    vs.raw = virtualService;
    m_topology.virtualServices.append(vs);
}

void MeshTopologyParser::addDestinationRule(const RawObject& destinationRule)
{
    const json& item = *destinationRule;
    MeshDestinationRule dr;
    dr.name = str(at(item, {"metadata"}), "name");
    dr.host = str(at(item, {"spec"}), "host");
    for (const json& subset : at(item, {"spec", "subsets"})) {
        dr.subsets.append({str(subset, "name"), labelsOf(at(subset, {"labels"}))});
    }
    dr.raw = destinationRule;
    m_topology.destinationRules.append(dr);
}

void MeshTopologyParser::addHttpRoute(const RawObject& httpRoute)
{
    const json& item = *httpRoute;
    MeshHttpRoute route;
    route.name = str(at(item, {"metadata"}), "name");
    route.resourceVersion = str(at(item, {"metadata"}), "resourceVersion");
    for (const json& parent : at(item, {"spec", "parentRefs"})) {
        // GAMMA: a parent of kind Service in the core group; Gateways route ingress instead.
        if (parent.is_object() && parent.value("kind", "") == "Service" && parent.value("group", "") == "")
            route.parentServices.append(str(parent, "name"));
    }
    route.raw = httpRoute;
    m_topology.httpRoutes.append(route);
}

MeshTopologyParser::LabelPairs MeshTopologyParser::labelPairsOf(const json& object)
{
    LabelPairs labels;
    if (!object.is_object())
        return labels;
    for (const auto& [key, value] : object.items()) {
        if (value.is_string())
            labels.append({QString::fromStdString(key), QString::fromStdString(value.get<std::string>())});
    }
    return labels;
}

bool MeshTopologyParser::selects(const LabelPairs& selector, const LabelPairs& labels)
{
    return std::all_of(selector.cbegin(), selector.cend(), [&](const auto& wanted) { return labels.contains(wanted); });
}

MeshTopology MeshTopologyParser::finish()
{
    // Pods by each of their labels: a selector's first label narrows the candidates to the few pods
    // carrying it (matching every selector against every pod was quadratic: 25 million matches at
    // 5,000 deployments).
    QHash<std::pair<QString, QString>, QList<const Pod*>> podsByLabel;
    for (const Pod& pod : std::as_const(m_pods)) {
        for (const auto& label : pod.labels)
            podsByLabel[label].append(&pod);
    }
    for (qsizetype i = 0; i < m_topology.workloads.size(); ++i) {
        MeshWorkload& w = m_topology.workloads[i];
        const LabelPairs& selector = m_deploymentSelectors.at(i);
        if (selector.isEmpty())
            continue; // selects nothing, as labelsMatch() has it
        for (const Pod* pod : podsByLabel.value(selector.first())) {
            if (!selects(selector, pod->labels))
                continue;
            w.readyPods += pod->ready ? 1 : 0;
            w.podsWithoutSidecar += pod->sidecar ? 0 : 1;
        }
    }
    auto byName = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(m_topology.services.begin(), m_topology.services.end(), byName);
    std::sort(m_topology.workloads.begin(), m_topology.workloads.end(), byName);
    return std::move(m_topology);
}

// SPDX-License-Identifier: Apache-2.0
#include "DeploymentController.h"

#include "Log.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <unordered_map>
#include <vector>
#include <stdexcept>

namespace democluster {

namespace {

constexpr const char* NodeName = "meshdeck-demo-node";
constexpr const char* NodeAddress = "192.168.49.2";
constexpr const char* ProxyImage = "docker.io/istio/proxyv2:1.24.0";

const ResourceType& requireType(const ResourceRegistry& registry, const char* group, const char* plural)
{
    const ResourceType* type = registry.find(group, "v1", plural);
    if (!type)
        throw std::logic_error(std::string("the resource registry lacks ") + plural);
    return *type;
}

// The ReplicaSet that owns a pod, or empty for pods no controller owns.
std::string ownerReplicaSet(const nlohmann::json& pod)
{
    const auto& metadata = pod.at("metadata");
    if (!metadata.contains("ownerReferences") || !metadata["ownerReferences"].is_array())
        return {};
    // Compared as JSON values: a client-written pod may carry any types there.
    for (const auto& owner : metadata["ownerReferences"]) {
        if (owner.is_object() && owner.value("kind", nlohmann::json()) == "ReplicaSet"
            && owner.value("controller", nlohmann::json()) == true && owner.value("name", nlohmann::json()).is_string())
            return owner["name"].get<std::string>();
    }
    return {};
}

nlohmann::json condition(const char* type, const std::string& now)
{
    return {{"type", type}, {"status", "True"}, {"lastProbeTime", nullptr}, {"lastTransitionTime", now}};
}

} // namespace

DeploymentController::DeploymentController(ObjectStore& store, const ResourceRegistry& registry)
    : m_store(store)
    , m_deployments(requireType(registry, "apps", "deployments"))
    , m_pods(requireType(registry, "", "pods"))
    , m_namespaces(requireType(registry, "", "namespaces"))
{
}

std::string DeploymentController::templateHash(const nlohmann::json& podTemplate)
{
    std::uint64_t hash = 14695981039346656037ULL; // FNV-1a
    for (unsigned char c : podTemplate.dump()) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%010llx", static_cast<unsigned long long>(hash & 0xffffffffffULL));
    return buffer;
}

void DeploymentController::reconcile()
{
    // Pods here are ready at once, so only a write can give this pass work: without one since the
    // last pass, copying every object again would be a core's worth of waste at 2,000 services.
    // The version is taken before this pass's own writes, so a rolling update's next step runs.
    const std::string version = m_store.resourceVersion();
    if (version == m_lastSeenVersion)
        return;
    m_lastSeenVersion = version;
    std::vector<nlohmann::json> deployments;
    std::vector<nlohmann::json> pods;
    std::vector<nlohmann::json> namespaces;
    m_store.list(m_deployments, {}, deployments);
    m_store.list(m_pods, {}, pods);
    m_store.list(m_namespaces, {}, namespaces);

    std::set<std::string> injectedNamespaces;
    for (const auto& object : namespaces) {
        const auto labels = object["metadata"].value("labels", nlohmann::json::object());
        if (labels.is_object() && labels.value("istio-injection", nlohmann::json()) == "enabled")
            injectedNamespaces.insert(object["metadata"].value("name", ""));
    }
    // Pods by the Deployment their ReplicaSet name points at ("namespace/deployment"), found once per
    // pass: matching every Deployment against every pod costs a core at a few thousand services.
    std::unordered_map<std::string, std::vector<const nlohmann::json*>> podsByDeployment;
    for (const auto& pod : pods) {
        const std::string owner = ownerReplicaSet(pod);
        if (owner.size() > 11)
            podsByDeployment[pod["metadata"].value("namespace", "") + '/' + owner.substr(0, owner.size() - 11)].push_back(&pod);
    }
    static const std::vector<const nlohmann::json*> none;
    std::set<std::string> liveOwners; // "namespace/deployment-" prefixes of live Deployments
    for (const auto& deployment : deployments) {
        const std::string namespaceName = deployment["metadata"].value("namespace", "");
        const std::string key = namespaceName + '/' + deployment["metadata"].value("name", "");
        liveOwners.insert(key + '-');
        const auto owned = podsByDeployment.find(key);
        try {
            reconcileDeployment(deployment, owned == podsByDeployment.end() ? none : owned->second,
                                injectedNamespaces.count(namespaceName) > 0);
        } catch (const nlohmann::json::exception& error) {
            // A Deployment is whatever a client wrote: one the controller cannot read is left alone.
            logInfo("deployment " + namespaceName + '/' + deployment["metadata"].value("name", "") + " skipped: " + error.what());
        }
    }
    // Garbage collection: pods whose Deployment is gone.
    for (const auto& pod : pods) {
        const std::string owner = ownerReplicaSet(pod);
        const std::string namespaceName = pod["metadata"].value("namespace", "");
        if (owner.size() <= 11)
            continue;
        const std::string deploymentPrefix = namespaceName + '/' + owner.substr(0, owner.size() - 10);
        if (!liveOwners.count(deploymentPrefix))
            m_store.remove(m_pods, namespaceName, pod["metadata"].value("name", ""));
    }
}

void DeploymentController::reconcileDeployment(const nlohmann::json& deployment, const std::vector<const nlohmann::json*>& pods,
                                               bool injectSidecars)
{
    const auto& metadata = deployment.at("metadata");
    const std::string name = metadata.value("name", "");
    const std::string namespaceName = metadata.value("namespace", "");
    const nlohmann::json spec = deployment.value("spec", nlohmann::json::object());
    const auto replicasValue = spec.value("replicas", nlohmann::json(1));
    const int replicas = replicasValue.is_number_integer() ? std::max(0, replicasValue.get<int>()) : 1;
    const std::string hash = templateHash(spec.value("template", nlohmann::json::object()));
    const std::string currentOwner = name + '-' + hash;

    std::vector<std::string> current;
    std::vector<std::string> old;
    for (const nlohmann::json* pod : pods) {
        const std::string owner = ownerReplicaSet(*pod);
        (owner == currentOwner ? current : old).push_back((*pod)["metadata"].value("name", ""));
    }
    const auto removePods = [&](std::vector<std::string>& names, std::size_t count) {
        for (; count > 0 && !names.empty(); --count) {
            m_store.remove(m_pods, namespaceName, names.back());
            names.pop_back();
        }
    };
    const auto addPods = [&](int count) {
        for (int i = 0; i < count; ++i) {
            nlohmann::json created;
            if (auto error = m_store.create(m_pods, newPod(deployment, hash, injectSidecars), &created)) {
                logInfo("cannot create a pod for deployment " + namespaceName + '/' + name + ": " + error->message());
                return;
            }
            writeStartupLogs(created);
            current.push_back(created["metadata"].value("name", ""));
        }
    };
    if (current.size() > static_cast<std::size_t>(replicas))
        removePods(current, current.size() - static_cast<std::size_t>(replicas));
    const int total = static_cast<int>(current.size() + old.size());

    const nlohmann::json strategy = spec.value("strategy", nlohmann::json::object());
    const bool recreate = strategy.value("type", std::string()) == "Recreate";
    if (old.empty() || recreate) {
        removePods(old, old.size());
        addPods(replicas - static_cast<int>(current.size()));
    } else {
        // A rolling update, one step per pass: surge new pods while the old ones serve, then
        // retire old ones as far as maxUnavailable allows. Simulated pods are ready at once, so
        // a roll takes a few passes and every step is visible to watchers.
        const nlohmann::json rolling = strategy.value("rollingUpdate", nlohmann::json::object());
        const int surge = std::max(1, scaledValue(rolling.value("maxSurge", nlohmann::json("25%")), replicas, true));
        const int unavailable = scaledValue(rolling.value("maxUnavailable", nlohmann::json("25%")), replicas, false);
        const int room = replicas + surge - total;
        if (static_cast<int>(current.size()) < replicas && room > 0) {
            addPods(std::min(room, replicas - static_cast<int>(current.size())));
        } else {
            const int removable = std::max(1, total - (replicas - unavailable));
            removePods(old, static_cast<std::size_t>(std::min<int>(removable, static_cast<int>(old.size()))));
        }
    }
    updateStatus(deployment, replicas, static_cast<int>(current.size() + old.size()), static_cast<int>(current.size()));
}

int DeploymentController::scaledValue(const nlohmann::json& value, int replicas, bool roundUp)
{
    if (value.is_number_integer())
        return std::max(0, value.get<int>());
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (!text.empty() && text.back() == '%') {
            const double percent = std::atof(text.c_str());
            const double scaled = replicas * percent / 100.0;
            return std::max(0, static_cast<int>(roundUp ? std::ceil(scaled) : std::floor(scaled)));
        }
        return std::max(0, std::atoi(text.c_str()));
    }
    return 0;
}

void DeploymentController::writeStartupLogs(const nlohmann::json& pod)
{
    const auto& metadata = pod.at("metadata");
    const std::string key = metadata.value("namespace", "") + '/' + metadata.value("name", "");
    for (const auto& container : pod["spec"].value("containers", nlohmann::json::array())) {
        const std::string name = container.value("name", "");
        PodLogs& logs = m_store.podLogs();
        if (name == "istio-proxy") {
            logs.append(key, name, "info\tFIPS mode disabled");
            logs.append(key, name, "info\tVersion 1.24.0-meshdeck-demo");
            logs.append(key, name, "info\tEnvoy proxy is ready");
            continue;
        }
        logs.append(key, name, "Starting " + container.value("image", name));
        for (const auto& port : container.value("ports", nlohmann::json::array()))
            logs.append(key, name, "Listening on port " + std::to_string(port.value("containerPort", 0)));
        logs.append(key, name, "Ready to serve requests");
    }
}

nlohmann::json DeploymentController::newPod(const nlohmann::json& deployment, const std::string& hash,
                                            bool injectSidecar)
{
    const auto& metadata = deployment.at("metadata");
    const std::string deploymentName = metadata.value("name", "");
    const std::string namespaceName = metadata.value("namespace", "");
    const std::string replicaSet = deploymentName + '-' + hash;
    const nlohmann::json podTemplate = deployment.value("spec", nlohmann::json::object()).value("template", nlohmann::json::object());
    const std::string now = rfc3339(std::chrono::system_clock::now());

    nlohmann::json labels = podTemplate.value("metadata", nlohmann::json::object()).value("labels", nlohmann::json::object());
    nlohmann::json annotations =
        podTemplate.value("metadata", nlohmann::json::object()).value("annotations", nlohmann::json::object());
    nlohmann::json podSpec = podTemplate.value("spec", nlohmann::json::object());
    labels["pod-template-hash"] = hash;
    if (injectSidecar && annotations.value("sidecar.istio.io/inject", "true") != "false") {
        // What Istio's injector adds that clients (Kiali, MeshDeck) look at.
        labels["security.istio.io/tlsMode"] = "istio";
        labels["service.istio.io/canonical-name"] = labels.value("app", deploymentName);
        labels["service.istio.io/canonical-revision"] = labels.value("version", "latest");
        annotations["sidecar.istio.io/status"] =
            R"({"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy"],"imagePullSecrets":null,"revision":"default"})";
        podSpec["containers"].push_back({{"name", "istio-proxy"},
                                         {"image", ProxyImage},
                                         {"args", {"proxy", "sidecar"}},
                                         {"ports", {{{"containerPort", 15090}, {"name", "http-envoy-prom"}, {"protocol", "TCP"}}}}});
    }
    podSpec["nodeName"] = NodeName;

    nlohmann::json containerStatuses = nlohmann::json::array();
    for (const auto& container : podSpec.value("containers", nlohmann::json::array())) {
        const std::string image = container.value("image", "");
        containerStatuses.push_back({{"name", container.value("name", "")},
                                     {"image", image},
                                     {"imageID", image},
                                     {"containerID", "containerd://" + templateHash(container) + m_names.suffix(8)},
                                     {"ready", true},
                                     {"started", true},
                                     {"restartCount", 0},
                                     {"state", {{"running", {{"startedAt", now}}}}}});
    }
    const unsigned address = m_nextPodAddress++;
    const std::string podIp = "10.244." + std::to_string((address / 250) % 250) + '.' + std::to_string(address % 250 + 2);

    nlohmann::json podMetadata = {{"name", replicaSet + '-' + m_names.suffix(5)},
                                  {"namespace", namespaceName},
                                  {"labels", labels},
                                  {"ownerReferences",
                                   {{{"apiVersion", "apps/v1"},
                                     {"kind", "ReplicaSet"},
                                     {"name", replicaSet},
                                     {"uid", replicaSetUid(namespaceName, replicaSet)},
                                     {"controller", true},
                                     {"blockOwnerDeletion", true}}}}};
    if (!annotations.empty())
        podMetadata["annotations"] = annotations;
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", podMetadata},
            {"spec", podSpec},
            {"status",
             {{"phase", "Running"},
              {"conditions",
               {condition("Initialized", now), condition("Ready", now), condition("ContainersReady", now),
                condition("PodScheduled", now)}},
              {"hostIP", NodeAddress},
              {"podIP", podIp},
              {"podIPs", {{{"ip", podIp}}}},
              {"startTime", now},
              {"qosClass", "BestEffort"},
              {"containerStatuses", containerStatuses}}}};
}

void DeploymentController::updateStatus(const nlohmann::json& deployment, int desired, int replicas, int updated)
{
    const auto& metadata = deployment.at("metadata");
    const bool rolling = updated < desired || replicas != desired;
    m_store.update(m_deployments, metadata.value("namespace", ""), metadata.value("name", ""),
                   [&](nlohmann::json& object) -> std::optional<ApiStatus> {
                       nlohmann::json& status = object["status"];
                       const auto generation = object["metadata"].value("generation", 1);
                       if (status.is_object() && status.value("observedGeneration", 0) == generation
                           && status.value("replicas", -1) == replicas && status.value("readyReplicas", -1) == replicas
                           && status.value("updatedReplicas", -1) == updated)
                           return std::nullopt; // unchanged: the store keeps the resourceVersion
                       const std::string now = rfc3339(std::chrono::system_clock::now());
                       status = {{"observedGeneration", generation},
                                 {"replicas", replicas},
                                 {"updatedReplicas", updated},
                                 {"readyReplicas", replicas},
                                 {"availableReplicas", replicas},
                                 {"conditions",
                                  {{{"type", "Available"},
                                    {"status", "True"},
                                    {"reason", "MinimumReplicasAvailable"},
                                    {"message", "Deployment has minimum availability."},
                                    {"lastUpdateTime", now},
                                    {"lastTransitionTime", now}},
                                   {{"type", "Progressing"},
                                    {"status", "True"},
                                    {"reason", rolling ? "ReplicaSetUpdated" : "NewReplicaSetAvailable"},
                                    {"message", rolling ? "ReplicaSet is progressing." : "ReplicaSet has successfully progressed."},
                                    {"lastUpdateTime", now},
                                    {"lastTransitionTime", now}}}}};
                       if (replicas > updated)
                           status["unavailableReplicas"] = 0;
                       return std::nullopt;
                   });
}

std::string DeploymentController::replicaSetUid(const std::string& namespaceName, const std::string& replicaSetName)
{
    auto [found, inserted] = m_replicaSetUids.try_emplace(namespaceName + '/' + replicaSetName);
    if (inserted)
        found->second = m_names.uuid();
    return found->second;
}

} // namespace democluster

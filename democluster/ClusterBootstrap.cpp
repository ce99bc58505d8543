// SPDX-License-Identifier: Apache-2.0
#include "ClusterBootstrap.h"

#include "AdmissionValidator.h"
#include "Log.h"
#include "ObjectStore.h"
#include "PrometheusProxy.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "kubeclient/YamlJsonConverter.h"

#include <nlohmann/json.hpp>

#include <set>
#include <stdexcept>

namespace democluster {

ClusterBootstrap::ClusterBootstrap(ObjectStore& store, const ResourceRegistry& registry,
                                   const AdmissionValidator& admission)
    : m_store(store)
    , m_registry(registry)
    , m_admission(admission)
{
}

void ClusterBootstrap::seed(const Scenario& scenario, const std::filesystem::path& resourcesDir)
{
    // Every cluster has these; clients create objects in `default` without asking first.
    for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"})
        createNamespace(name, {{"kubernetes.io/metadata.name", name}});
    createNamespace(PrometheusProxy::Namespace, {{"kubernetes.io/metadata.name", PrometheusProxy::Namespace}});
    nlohmann::json port = {{"name", "http"},
                           {"port", PrometheusProxy::ServicePort},
                           {"protocol", "TCP"},
                           {"targetPort", PrometheusProxy::ServicePort}};
    nlohmann::json prometheus = {{"apiVersion", "v1"}, {"kind", "Service"}};
    prometheus["metadata"] = {{"name", PrometheusProxy::ServiceName}, {"labels", {{"app", "prometheus"}}}};
    prometheus["spec"] = {{"selector", {{"app", "prometheus"}}}, {"ports", nlohmann::json::array({port})}};
    apply({prometheus}, PrometheusProxy::Namespace, "the built-in Prometheus service");

    // The scenario's namespace opts into MeshDeck's fault experiments (`default` does not): the demo
    // is where presenters break things on purpose.
    createNamespace(scenario.namespaceName, {{"kubernetes.io/metadata.name", scenario.namespaceName},
                                             {"istio-injection", "enabled"},
                                             {"meshdeck.io/chaos", "enabled"}});
    for (const auto& manifest : scenario.manifests) {
        const auto path = resourcesDir / manifest;
        apply(kube::YamlJsonConverter::loadAll(path), scenario.namespaceName, path.string());
    }
    if (scenario.objects)
        apply(*scenario.objects, scenario.namespaceName, "the generated " + scenario.name + " mesh");

    // The run-time traffic settings, where `kubectl edit` finds them; see Scenario::applyTrafficSettings.
    nlohmann::json settings = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}};
    settings["metadata"] = {{"name", Scenario::TrafficConfigMap},
                            {"labels", {{"app.kubernetes.io/part-of", "meshdeck-demo"}}},
                            {"annotations",
                             {{"meshdeck.io/description",
                               "Traffic of the simulated mesh, applied at the next simulation step: requestsPerSecond "
                               "(entry load), users (shares of requests with headers, path or query), profiles "
                               "(per service version: latencyMs {median, sigma}, errorRate, requestBytes, "
                               "responseBytes). Values are YAML as in resources/scenarios/"
                                   + scenario.name + ".yaml; invalid content is reported as an event and ignored."}}}};
    settings["data"] = scenario.trafficSettings();
    apply({settings}, scenario.namespaceName, "the traffic settings");
}

void ClusterBootstrap::createNamespace(const std::string& name, const std::map<std::string, std::string>& labels)
{
    const nlohmann::json object = {{"apiVersion", "v1"},
                                   {"kind", "Namespace"},
                                   {"metadata", {{"name", name}, {"labels", labels}}},
                                   {"spec", {{"finalizers", {"kubernetes"}}}},
                                   {"status", {{"phase", "Active"}}}};
    apply({object}, {}, "namespace " + name);
}

void ClusterBootstrap::apply(const std::vector<nlohmann::json>& documents, const std::string& namespaceName,
                             const std::string& origin)
{
    std::set<std::string> skippedKinds;
    for (auto document : documents) {
        if (!document.is_object())
            throw std::runtime_error(origin + ": a document is not a Kubernetes object");
        const std::string apiVersion = document.value("apiVersion", "");
        const std::string kind = document.value("kind", "");
        const ResourceType* type = m_registry.findByKind(apiVersion, kind);
        if (!type) {
            skippedKinds.insert(kind + " (" + apiVersion + ')');
            continue;
        }
        auto& metadata = document["metadata"];
        const std::string name = metadata.value("name", "");
        if (type->namespaced)
            metadata["namespace"] = namespaceName;
        // A real API server allocates a ClusterIP for every ClusterIP Service.
        if (type->kind == "Service" && !document["spec"].contains("clusterIP")) {
            const unsigned address = m_nextClusterAddress++;
            document["spec"]["clusterIP"] = "10.96." + std::to_string(address / 250) + '.' + std::to_string(address % 250);
            document["spec"]["type"] = "ClusterIP";
        }
        if (auto error = m_admission.validate(*type, document))
            throw std::runtime_error(origin + ": " + kind + ' ' + name + " refused: " + error->message());
        auto error = m_store.create(*type, document);
        if (error && error->reason() == "AlreadyExists") {
            error = m_store.update(*type, namespaceName, name, [&document](nlohmann::json& object) -> std::optional<ApiStatus> {
                for (const char* field : {"spec", "data"}) {
                    if (document.contains(field))
                        object[field] = document[field];
                }
                object["metadata"]["labels"] = document["metadata"].value("labels", nlohmann::json::object());
                return std::nullopt;
            });
        }
        if (error)
            throw std::runtime_error(origin + ": " + kind + ' ' + name + ": " + error->message());
    }
    for (const auto& kind : skippedKinds)
        logInfo(origin + ": skipped " + kind + " objects: the demo cluster does not serve that kind");
}

} // namespace democluster

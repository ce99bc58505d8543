// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopology.h"

#include <utility>

// Turns the objects of one namespace into a MeshTopology. Unknown fields are ignored here but
// survive in the raw objects kept for routing resources.
//
// An object at a time, in any order: an informer's cache holds each kind of object apart.
class MeshTopologyParser {
public:
    // What the add*() below read of a Service, Deployment or Pod, and the metadata an informer's
    // cache keys on, as a new object (an informer's transform): at 2,000 services, pods with their
    // managedFields, specs and statuses are most of what a cache of whole objects would hold.
    // Routing objects are kept whole: edits are made against them (MeshTopology.h).
    static RawObject serviceFields(const RawObject& service);
    static RawObject deploymentFields(const RawObject& deployment);
    static RawObject podFields(const RawObject& pod);

    explicit MeshTopologyParser(const QString& namespaceName);
    void addService(const nlohmann::json& service);
    void addDeployment(const nlohmann::json& deployment);
    void addPod(const nlohmann::json& pod);
    // Routing objects are kept as they are: the topology shares them with the caller.
    void addVirtualService(const RawObject& virtualService);
    void addDestinationRule(const RawObject& destinationRule);
    void addHttpRoute(const RawObject& httpRoute);
    // The topology of what was added; pods are counted into their deployments here.
    MeshTopology finish();

private:
    // Labels only counted with, as pairs: a QHash's smallest table is over a kilobyte, and at 2,000
    // services the 10,000 pods and selectors held for counting were 18 MB of the peak heap.
    using LabelPairs = QList<std::pair<QString, QString>>;
    static LabelPairs labelPairsOf(const nlohmann::json& object);
    static bool selects(const LabelPairs& selector, const LabelPairs& labels);

    MeshTopology m_topology;
    QList<LabelPairs> m_deploymentSelectors; // beside m_topology.workloads, in the same order
    struct Pod {
        LabelPairs labels;
        bool ready = false;
        bool sidecar = false;
    };
    QList<Pod> m_pods; // only those that count: ready, or without a sidecar
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopology.h"

#include <utility>

// Turns the LIST answers of one namespace into a MeshTopology. Unknown fields are ignored here but
// survive in the raw objects kept for routing resources.
//
// A list at a time, as the answers arrive: each is reduced at once to what the topology needs, so
// its parsed document can be freed before the next arrives. At 2,000 services the documents of the
// six lists held together were most of the app's peak heap, and glibc keeps a peak's pages.
class MeshTopologyParser {
public:
    struct Lists {
        RawObject services;
        RawObject deployments;
        RawObject pods;
        RawObject virtualServices;
        RawObject destinationRules;
        RawObject httpRoutes;
    };

    // All lists at once.
    static MeshTopology parse(const QString& namespaceName, const Lists& lists);

    explicit MeshTopologyParser(const QString& namespaceName);
    // Each takes a LIST answer ({"items": [...]}) of its kind, in any order.
    void addServices(const nlohmann::json& list);
    void addDeployments(const nlohmann::json& list);
    void addPods(const nlohmann::json& list);
    void addVirtualServices(const nlohmann::json& list);
    void addDestinationRules(const nlohmann::json& list);
    void addHttpRoutes(const nlohmann::json& list);
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

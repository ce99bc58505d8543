// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopology.h"

#include <nlohmann/json_fwd.hpp>

#include <QString>

#include <vector>

// The VirtualService and DestinationRule a service needs before its traffic can be split by
// version, written the way Kiali's wizards write them (named after the service, one subset per
// `version` label of its pods, named after the version) and labelled as MeshDeck's. The new
// VirtualService keeps today's traffic: each version weighted by its ready pods, which is how the
// mesh balances a service without routing rules.
class RoutingObjects {
public:
    static constexpr const char* ManagedByLabel = "app.kubernetes.io/managed-by";
    static constexpr const char* ManagedByValue = "meshdeck";

    // The objects the service lacks, DestinationRule first (the VirtualService's subsets refer
    // to it); empty with `problem` set when they cannot be made (no pods with a version label).
    static std::vector<nlohmann::json> missingFor(const MeshTopology& topology, const QString& service, QString* problem);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopology.h"

// Turns the LIST answers of one namespace into a MeshTopology. Pure; unknown fields are ignored here
// but survive in the raw objects kept for routing resources.
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

    static MeshTopology parse(const QString& namespaceName, const Lists& lists);
};

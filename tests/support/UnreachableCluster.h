// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/ClusterConnection.h"

// A context whose API server refuses connections at once (nothing listens on port 1): widgets
// under test write to it and fail exactly as they would when a real API server is down.
inline kube::ClusterConnection unreachableCluster()
{
    kube::ClusterConnection c;
    c.contextName = "test";
    c.server = "https://127.0.0.1:1";
    c.namespaceName = "bookinfo";
    return c;
}

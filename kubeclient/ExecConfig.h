// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kube {

// A kubeconfig user's `exec` section (client.authentication.k8s.io/v1 or v1beta1), plus the cluster
// facts the plugin may ask for through KUBERNETES_EXEC_INFO.
struct ExecConfig {
    enum class InteractiveMode { Never, IfAvailable, Always };

    std::string apiVersion;  // client.authentication.k8s.io/v1 or .../v1beta1
    std::string command;     // absolute when the kubeconfig named a path, else looked up in PATH
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env; // added to MeshDeck's own environment
    std::string installHint;
    bool provideClusterInfo = false;
    InteractiveMode interactiveMode = InteractiveMode::IfAvailable;

    // spec.cluster of KUBERNETES_EXEC_INFO, sent only when provideClusterInfo is set.
    struct Cluster {
        std::string server;
        std::string tlsServerName;
        bool insecureSkipTlsVerify = false;
        std::string caPem;
        std::string proxyUrl;
    } cluster;
};

} // namespace kube

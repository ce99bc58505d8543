// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace kube {

// Everything needed to talk to one API server as one user: what a kubeconfig context resolves to.
// Holds secrets (token, key): never log or persist it.
struct ClusterConnection {
    std::string contextName;
    std::string clusterName;
    std::string userName;
    std::string server;            // https://host:port, no trailing slash
    std::string namespaceName = "default";
    std::string caPem;             // PEM bundle; empty means the system trust store
    std::string tlsServerName;
    bool insecureSkipTlsVerify = false;
    std::string bearerToken;
    std::string clientCertPem;
    std::string clientKeyPem;
};

} // namespace kube

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "CredentialSource.h"

#include <memory>
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
    std::string proxyUrl;          // http, https or socks5; empty: the proxy environment variables apply
    std::string bearerToken;
    std::string clientCertPem;
    std::string clientKeyPem;
    // When set, consulted for every request instead of bearerToken / clientCertPem / clientKeyPem
    // (exec plugins, token files). Shared by copies of the connection, so they share one cache.
    std::shared_ptr<CredentialSource> credentials;
};

} // namespace kube

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ClusterConnection.h"

#include <string>
#include <variant>
#include <vector>

namespace kube {

struct KubeconfigError {
    std::string file;
    std::string message; // names the entry and what is wrong
};

// A kubeconfig file as kubectl reads it: named clusters, users and contexts.
class Kubeconfig {
public:
    struct Context {
        std::string name;
        std::string cluster;
        std::string user;
        std::string namespaceName; // "default" when the file leaves it out
    };

    // Reads one file. Relative file paths inside it resolve against its folder.
    static std::variant<Kubeconfig, KubeconfigError> load(const std::string& path);
    // The path kubectl would use: $KUBECONFIG's first entry, else ~/.kube/config.
    static std::string defaultPath();

    const std::string& currentContext() const { return m_currentContext; }
    const std::vector<Context>& contexts() const { return m_contexts; }

    // Resolves a context (empty: the current one) into a connection: server, CA, token, namespace.
    std::variant<ClusterConnection, KubeconfigError> connection(const std::string& contextName = {}) const;

private:
    // File paths are stored absolute and read only in connection(): a missing certificate of a context
    // nobody uses must not stop the others, and merged files each keep their own folder. `source` is
    // the kubeconfig that defined the entry, for error messages once several files are merged.
    struct Cluster {
        std::string name, source, server, caPem, caFile, tlsServerName;
        bool insecureSkipTlsVerify = false;
    };
    struct User {
        std::string name, source, token, tokenFile, clientCertPem, clientCertFile, clientKeyPem, clientKeyFile;
        // Set for exec / auth-provider users: the file is valid, but we cannot get their credentials yet.
        std::string unsupportedAuth;
    };

    const Cluster* findCluster(const std::string& name) const;
    const User* findUser(const std::string& name) const;

    std::string m_file;
    std::string m_currentContext;
    std::vector<Context> m_contexts;
    std::vector<Cluster> m_clusters;
    std::vector<User> m_users;

    friend class KubeconfigParser;
};

} // namespace kube

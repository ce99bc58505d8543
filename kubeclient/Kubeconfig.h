// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ClusterConnection.h"
#include "ExecConfig.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kube {

struct KubeconfigError {
    std::string file;
    std::string message; // names the entry and what is wrong
};

// Kubeconfig files as kubectl reads them: named clusters, users and contexts, from one file or
// merged from several.
class Kubeconfig {
public:
    struct Context {
        std::string name;
        std::string cluster;
        std::string user;
        std::string namespaceName; // "default" when the file leaves it out
        std::string source;        // the file that defined it
    };

    // Reads one file. Relative file paths inside it resolve against its folder.
    static std::variant<Kubeconfig, KubeconfigError> load(const std::string& path);
    // What load() does once the file is read: content as if read from path (which names it in
    // errors and anchors its relative paths).
    static std::variant<Kubeconfig, KubeconfigError> parse(const std::string& content, const std::string& path);
    // Merges files the way kubectl merges $KUBECONFIG: the first file that defines a cluster, user
    // or context wins and its entry is taken whole; current-context comes from the first file that
    // sets it; repeated paths count once; relative paths resolve against each entry's own file.
    // Missing files are skipped (as kubectl does) unless none exists; a malformed one is an error.
    static std::variant<Kubeconfig, KubeconfigError> loadMerged(const std::vector<std::string>& files);
    // What kubectl loads: explicitPath alone when given (--kubeconfig; it must exist), otherwise
    // defaultFiles() merged.
    static std::variant<Kubeconfig, KubeconfigError> loadDefault(const std::string& explicitPath = {});
    // $KUBECONFIG split on ':' without empty and repeated entries, else ~/.kube/config.
    static std::vector<std::string> defaultFiles();
    // The path kubectl would use: $KUBECONFIG's first entry, else ~/.kube/config.
    static std::string defaultPath();

    const std::string& currentContext() const { return m_currentContext; }
    const std::vector<Context>& contexts() const { return m_contexts; }
    // The files that were read, in merge order (missing ones left out).
    const std::vector<std::string>& files() const { return m_files; }
    // The exec plugin configuration of a user, for display and tests; nullopt for other users.
    std::optional<ExecConfig> execConfig(const std::string& userName) const;

    // Resolves a context (empty: the current one) into a connection: server, CA, credentials,
    // namespace. Exec plugin users get a credential source that runs the plugin when a request
    // needs it, off the caller's thread.
    std::variant<ClusterConnection, KubeconfigError> connection(const std::string& contextName = {}) const;

private:
    // File paths are stored absolute and read only in connection(): a missing certificate of a context
    // nobody uses must not stop the others, and merged files each keep their own folder. `source` is
    // the kubeconfig that defined the entry, for error messages once several files are merged.
    struct Cluster {
        std::string name, source, server, caPem, caFile, tlsServerName, proxyUrl;
        bool insecureSkipTlsVerify = false;
    };
    struct User {
        std::string name, source, token, tokenFile, clientCertPem, clientCertFile, clientKeyPem, clientKeyFile;
        std::optional<ExecConfig> exec;
        std::string execProblem;  // why the exec section cannot work, reported when the user is used
        std::string authProvider; // auth-provider name; only oidc with a stored id-token is usable
        std::string idToken;
    };

    const Cluster* findCluster(const std::string& name) const;
    const User* findUser(const std::string& name) const;
    void mergeFrom(Kubeconfig&& later);

    std::string m_file;                  // the first file: errors not tied to an entry name it
    std::string m_currentContextSource;  // the file current-context came from
    std::vector<std::string> m_files;
    std::string m_currentContext;
    std::vector<Context> m_contexts;
    std::vector<Cluster> m_clusters;
    std::vector<User> m_users;

    friend class KubeconfigParser;
};

} // namespace kube

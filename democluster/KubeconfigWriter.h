// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace democluster {

// Writes the kubeconfig that points kubectl and MeshDeck at the demo cluster: one context per
// user, all on the same cluster, the first one current.
class KubeconfigWriter {
public:
    static constexpr const char* ClusterName = "meshdeck-demo";

    struct Account {
        std::string context;
        std::string userEntry; // the name of its users[] entry
        std::string token;
    };

    // Every context defaults to `namespaceName`, the scenario's, so MeshDeck and kubectl open on the mesh.
    static std::string render(const std::string& serverUrl, const std::string& caCertificatePem,
                              const std::vector<Account>& accounts, const std::string& namespaceName);
    // Atomically (temp file + rename) and readable by the owner only: it holds bearer tokens.
    // Throws std::runtime_error naming the file.
    static void write(const std::filesystem::path& path, const std::string& serverUrl,
                      const std::string& caCertificatePem, const std::vector<Account>& accounts,
                      const std::string& namespaceName);
};

} // namespace democluster

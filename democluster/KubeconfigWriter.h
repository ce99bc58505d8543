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
    static constexpr const char* DefaultNamespace = "bookinfo";

    struct Account {
        std::string context;
        std::string userEntry; // the name of its users[] entry
        std::string token;
    };

    static std::string render(const std::string& serverUrl, const std::string& caCertificatePem,
                              const std::vector<Account>& accounts);
    // Atomically (temp file + rename) and readable by the owner only: it holds bearer tokens.
    // Throws std::runtime_error naming the file.
    static void write(const std::filesystem::path& path, const std::string& serverUrl,
                      const std::string& caCertificatePem, const std::vector<Account>& accounts);
};

} // namespace democluster

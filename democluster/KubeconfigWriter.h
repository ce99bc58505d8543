// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

namespace democluster {

// Writes the kubeconfig that points kubectl and MeshDeck at the demo cluster.
class KubeconfigWriter {
public:
    static constexpr const char* ClusterName = "meshdeck-demo";
    static constexpr const char* ContextName = "meshdeck-demo";
    static constexpr const char* UserName = "meshdeck-admin";
    static constexpr const char* DefaultNamespace = "bookinfo";

    static std::string render(const std::string& serverUrl, const std::string& caCertificatePem,
                              const std::string& token);
    // Atomically (temp file + rename) and readable by the owner only: it holds a bearer token.
    // Throws std::runtime_error naming the file.
    static void write(const std::filesystem::path& path, const std::string& serverUrl,
                      const std::string& caCertificatePem, const std::string& token);
};

} // namespace democluster

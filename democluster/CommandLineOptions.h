// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

namespace democluster {

// meshdeck-democluster --port N --kubeconfig-out PATH [--prometheus auto|off] [--resources DIR]
//                      [--scenario NAME] [--services N] [--state-dir DIR]
struct CommandLineOptions {
    int port = -1; // 0 picks a free port
    std::filesystem::path kubeconfigOut;
    bool prometheus = true;
    std::filesystem::path resourcesDir;
    std::string scenario = "bookinfo";
    int services = 0; // > 0: a generated mesh of that many services (scenario "generated" by default)
    std::filesystem::path stateDir; // empty: state in memory only
    bool help = false;

    // Throws std::invalid_argument with a message fit for the user.
    static CommandLineOptions parse(int argc, const char* const* argv);
    static std::string usage();
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "CommandLineOptions.h"

#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace democluster {

namespace {

// Installed, the resources sit at ../share/meshdeck/resources from the binary (wherever the package
// put the prefix); a binary in the build tree uses the source tree's.
std::filesystem::path defaultResourcesDir()
{
    std::error_code error;
    const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const std::filesystem::path installed = binary.parent_path().parent_path() / MESHDECK_INSTALLED_RESOURCES_DIR;
        if (std::filesystem::is_directory(installed / "scenarios", error))
            return installed;
    }
    return MESHDECK_RESOURCES_DIR;
}

} // namespace

std::string CommandLineOptions::usage()
{
    return "usage: meshdeck-democluster --port N --kubeconfig-out PATH [--prometheus auto|off]\n"
           "                            [--resources DIR] [--scenario NAME] [--services N] [--state-dir DIR]\n"
           "  --port N              HTTPS port of the Kubernetes API on 127.0.0.1 (0: any free port)\n"
           "  --kubeconfig-out PATH where to write the kubeconfig (mode 0600)\n"
           "  --prometheus auto|off start a private Prometheus scraping the mesh metrics (default auto)\n"
           "  --resources DIR       the resources folder (default: the installed one, else the source tree's)\n"
           "  --scenario NAME       resources/scenarios/NAME.yaml (default bookinfo)\n"
           "  --services N          a generated mesh of N services (scenario generated unless --scenario\n"
           "                        names another generated one); Prometheus scrapes every second up\n"
           "                        to 400 services, every 2 s up to 500; above 500 services every 15 s,\n"
           "                        and the sidecars report only the labels and histograms MeshDeck reads\n"
           "  --state-dir DIR       keep the cluster's objects in DIR across restarts (default: in memory)\n";
}

CommandLineOptions CommandLineOptions::parse(int argc, const char* const* argv)
{
    CommandLineOptions options;
    options.resourcesDir = defaultResourcesDir();
    bool portSeen = false;
    bool scenarioSeen = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if (argument == "--help" || argument == "-h") {
            options.help = true;
            return options;
        }
        std::string value;
        const std::size_t equals = argument.find('=');
        const std::string_view name = argument.substr(0, equals);
        if (name != "--port" && name != "--kubeconfig-out" && name != "--prometheus" && name != "--resources"
            && name != "--scenario" && name != "--services" && name != "--state-dir")
            throw std::invalid_argument("unknown option " + std::string(argument));
        if (equals != std::string_view::npos) {
            value = argument.substr(equals + 1);
        } else {
            if (i + 1 >= argc)
                throw std::invalid_argument("option " + std::string(name) + " needs a value");
            value = argv[++i];
        }
        if (name == "--port") {
            int port = -1;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), port);
            if (error != std::errc() || end != value.data() + value.size() || port < 0 || port > 65535)
                throw std::invalid_argument("--port needs a number from 0 to 65535, not \"" + value + '"');
            options.port = port;
            portSeen = true;
        } else if (name == "--kubeconfig-out") {
            options.kubeconfigOut = value;
        } else if (name == "--prometheus") {
            if (value != "auto" && value != "off")
                throw std::invalid_argument("--prometheus takes auto or off, not \"" + value + '"');
            options.prometheus = value == "auto";
        } else if (name == "--resources") {
            options.resourcesDir = value;
        } else if (name == "--state-dir") {
            if (value.empty())
                throw std::invalid_argument("--state-dir needs a directory");
            options.stateDir = value;
        } else if (name == "--services") {
            int services = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), services);
            if (error != std::errc() || end != value.data() + value.size() || services < 1 || services > 20000)
                throw std::invalid_argument("--services needs a number from 1 to 20000, not \"" + value + '"');
            options.services = services;
        } else {
            scenarioSeen = true;
            if (value.empty() || value.find('/') != std::string::npos)
                throw std::invalid_argument("--scenario takes a scenario name, not a path: \"" + value + '"');
            options.scenario = value;
        }
    }
    if (options.services > 0 && !scenarioSeen)
        options.scenario = "generated";
    if (!portSeen)
        throw std::invalid_argument("--port is required (0 picks a free port)");
    if (options.kubeconfigOut.empty())
        throw std::invalid_argument("--kubeconfig-out is required");
    return options;
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace democluster {

// A demo scenario (resources/scenarios/NAME.yaml): what to deploy and what traffic to simulate.
struct Scenario {
    struct Source {
        std::string workload;
        std::string namespaceName;
        std::string app;
        std::string serviceAccount;
        bool proxy = true; // an Envoy that reports reporter="source" metrics
    };
    struct Call {
        std::string from;
        std::vector<std::string> fromVersions; // empty: every version of `from`
        std::string to;
    };
    struct Profile {
        std::string service; // empty for the defaults
        std::string version;
        double latencyMedianMs = 10;
        double latencySigma = 0.3;
        double errorRate = 0;
    };

    std::string name;
    std::string namespaceName;
    std::vector<std::string> manifests; // relative to the resources folder
    std::string entryService;
    double requestsPerSecond = 0;
    Source source;
    std::vector<Call> calls;
    Profile defaults;
    std::vector<Profile> profiles;

    // Throws std::runtime_error naming the file and what is wrong.
    static Scenario load(const std::filesystem::path& file);
    static Scenario parse(const std::string& yaml, const std::string& origin);

    const Profile& profileFor(const std::string& service, const std::string& version) const;
    // The services `service` at `version` calls, in order.
    std::vector<std::string> calleesOf(const std::string& service, const std::string& version) const;
};

} // namespace democluster

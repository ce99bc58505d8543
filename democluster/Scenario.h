// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace democluster {

// A demo scenario (resources/scenarios/NAME.yaml): what to deploy and what traffic to simulate.
struct Scenario {
    // The ConfigMap, in the scenario's namespace, whose data the simulator applies at run time
    // (see applyTrafficSettings).
    static constexpr const char* TrafficConfigMap = "meshdeck-demo-traffic";

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
        std::string path = "/"; // the callee's URI; the caller's headers travel along
        double share = 1;       // the fraction of the caller's requests that make this call
        double timeoutMs = 0;   // the caller's own client timeout per attempt; 0: waits for ever
        int attempts = 1;       // the caller tries again after a failure (5xx, 4xx or timeout)
        bool failCaller = false; // a failed call fails the caller (500); otherwise it degrades
    };
    // A kind of user: a share of the entry requests carrying these headers, path and query.
    struct Users {
        double share = 0;
        std::map<std::string, std::string> headers; // names in lower case
        std::string path;                            // empty: the entry path
        std::map<std::string, std::string> queryParams;
    };
    // A log-normal distribution: its median and the sigma of the underlying normal.
    struct LogNormal {
        double median = 0;
        double sigma = 0;
    };
    struct Profile {
        std::string service; // empty for the defaults
        std::string version;
        LogNormal latencyMs{10, 0.3};
        double errorRate = 0;
        LogNormal requestBytes{600, 0.2};
        LogNormal responseBytes{1500, 0.3};
    };

    std::string name;
    std::string namespaceName;
    std::vector<std::string> manifests; // relative to the resources folder
    std::string entryService;
    double requestsPerSecond = 0;
    std::string entryPath = "/";
    std::vector<Users> users; // shares sum to at most 1; the rest are plain requests
    Source source;
    std::vector<Call> calls;
    Profile defaults;
    std::vector<Profile> profiles;
    // Objects a generated scenario deploys after its manifests (shared: scenarios are copied).
    std::shared_ptr<const std::vector<nlohmann::json>> objects;

    // Throws std::runtime_error naming the file and what is wrong. A scenario with a `generate`
    // block builds its call graph, profiles and objects for `services` services (0: the file's
    // default count); any other scenario refuses a count.
    static Scenario load(const std::filesystem::path& file, int services = 0);
    static Scenario parse(const std::string& yaml, const std::string& origin, int services = 0);

    // The run-time traffic settings (TrafficConfigMap's data): the same keys and syntax as
    // the scenario file, each value a YAML text. `requestsPerSecond` and `users` replace the
    // entry's, `profiles` entries replace the listed service versions' profiles field by field.
    // Throws std::runtime_error naming the key and what is wrong; the scenario is then unchanged.
    void applyTrafficSettings(const std::map<std::string, std::string>& data, const std::string& origin);
    // The settings as that ConfigMap's data carries them at start.
    std::map<std::string, std::string> trafficSettings() const;

    const Profile& profileFor(const std::string& service, const std::string& version) const;
    // The calls `service` at `version` makes, in order.
    std::vector<const Call*> callsFrom(const std::string& service, const std::string& version) const;
};

} // namespace democluster

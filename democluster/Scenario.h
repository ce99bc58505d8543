// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
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
        std::string path = "/"; // the callee's URI; the caller's headers travel along
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

    // Throws std::runtime_error naming the file and what is wrong.
    static Scenario load(const std::filesystem::path& file);
    static Scenario parse(const std::string& yaml, const std::string& origin);

    const Profile& profileFor(const std::string& service, const std::string& version) const;
    // The calls `service` at `version` makes, in order.
    std::vector<const Call*> callsFrom(const std::string& service, const std::string& version) const;
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>

namespace democluster {

// A Deployment as traffic and telemetry see it.
struct Workload {
    std::string name; // the Deployment's name, Istio's destination_workload
    std::string namespaceName;
    std::map<std::string, std::string> labels; // the pod template's labels
    std::string serviceAccount;
    int readyPods = 0;

    std::string label(const std::string& key, const std::string& fallback) const
    {
        const auto found = labels.find(key);
        return found == labels.end() ? fallback : found->second;
    }
    std::string app() const { return label("app", name); }
    std::string version() const { return label("version", "unknown"); }
};

} // namespace democluster

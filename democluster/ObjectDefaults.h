// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "RandomNames.h"

#include <nlohmann/json_fwd.hpp>

#include <atomic>

namespace democluster {

struct ResourceType;

// What kube-apiserver's registry strategies fill in when an object is created through the API:
// a Job's selector and the labels tying its pods to it (from the uid, assigned here for that), a
// Service's cluster IP and port defaults, a Secret's type.
class ObjectDefaults {
public:
    void onCreate(const ResourceType& type, nlohmann::json& object) const;

private:
    void jobDefaults(nlohmann::json& job) const;
    void serviceDefaults(nlohmann::json& service) const;

    mutable RandomNames m_names;
    // Cluster IPs for Services created through the API: 10.97.0.0/16, apart from the scenario's
    // 10.96.0.0/16 that ClusterBootstrap hands out.
    mutable std::atomic<unsigned> m_nextServiceAddress{0};
};

} // namespace democluster

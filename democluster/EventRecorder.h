// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "RandomNames.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace democluster {

class ObjectStore;
struct ResourceType;

// Writes core/v1 Events about objects, as a controller's event recorder does, so `kubectl get
// events` and `kubectl describe` show what the simulated controllers did.
class EventRecorder {
public:
    EventRecorder(ObjectStore& store, const ResourceType& events, std::string component);

    // `type` is "Normal" or "Warning".
    void record(const nlohmann::json& involved, const std::string& type, const std::string& reason,
                const std::string& message);

private:
    ObjectStore& m_store;
    const ResourceType& m_events;
    std::string m_component;
    RandomNames m_names;
};

} // namespace democluster

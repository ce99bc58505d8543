// SPDX-License-Identifier: Apache-2.0
#include "EventRecorder.h"

#include "Log.h"
#include "ObjectStore.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

namespace democluster {

EventRecorder::EventRecorder(ObjectStore& store, const ResourceType& events, std::string component)
    : m_store(store)
    , m_events(events)
    , m_component(std::move(component))
{
}

void EventRecorder::record(const nlohmann::json& involved, const std::string& type, const std::string& reason,
                           const std::string& message)
{
    const auto& metadata = involved.at("metadata");
    const std::string namespaceName = metadata.value("namespace", "default");
    const std::string now = rfc3339(std::chrono::system_clock::now());
    const nlohmann::json event = {
        {"apiVersion", "v1"},
        {"kind", "Event"},
        // client-go names events <object>.<unique suffix>.
        {"metadata", {{"name", metadata.value("name", "") + '.' + m_names.suffix(16)}, {"namespace", namespaceName}}},
        {"involvedObject",
         {{"apiVersion", involved.value("apiVersion", "")},
          {"kind", involved.value("kind", "")},
          {"namespace", namespaceName},
          {"name", metadata.value("name", "")},
          {"uid", metadata.value("uid", "")},
          {"resourceVersion", metadata.value("resourceVersion", "")}}},
        {"reason", reason},
        {"message", message},
        {"type", type},
        {"source", {{"component", m_component}}},
        {"reportingComponent", m_component},
        {"reportingInstance", ""},
        {"firstTimestamp", now},
        {"lastTimestamp", now},
        {"count", 1}};
    if (auto error = m_store.create(m_events, event))
        logInfo("cannot record event " + reason + ": " + error->message());
}

} // namespace democluster

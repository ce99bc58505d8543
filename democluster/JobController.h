// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EventRecorder.h"
#include "RandomNames.h"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <string>

namespace democluster {

class ObjectStore;
class ResourceRegistry;
struct ResourceType;

// Makes batch/v1 Jobs real: each gets a pod (named <job>-<suffix>, labelled and owned as the Job
// controller does) that runs for a simulated duration, prints a log, then ends Succeeded or
// Failed; a failed pod is replaced until backoffLimit is exceeded. The Job's status and conditions
// follow, with the events the controller records. The run is steered by annotations on the Job
// (or its pod template), since nothing executes: meshdeck.io/simulated-duration (seconds,
// default 2) and meshdeck.io/simulated-exit-code (default 0).
class JobController {
public:
    static constexpr const char* DurationAnnotation = "meshdeck.io/simulated-duration";
    static constexpr const char* ExitCodeAnnotation = "meshdeck.io/simulated-exit-code";

    JobController(ObjectStore& store, const ResourceRegistry& registry);

    // One pass over every Job; cheap when nothing is due.
    void reconcile(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

private:
    void reconcileJob(const nlohmann::json& job, std::vector<nlohmann::json> pods, std::chrono::system_clock::time_point now);
    void startPod(const nlohmann::json& job);
    void finishPod(const nlohmann::json& pod, int exitCode, std::chrono::system_clock::time_point now);

    ObjectStore& m_store;
    const ResourceType& m_jobs;
    const ResourceType& m_pods;
    EventRecorder m_events;
    RandomNames m_names;
    unsigned m_nextPodAddress = 0;
    bool m_hadJobs = true; // the first pass collects what an earlier run left behind
};

} // namespace democluster

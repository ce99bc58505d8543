// SPDX-License-Identifier: Apache-2.0
#include "JobController.h"

#include "Log.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <utility>

namespace democluster {

namespace {

constexpr const char* NodeName = "meshdeck-demo-node";
constexpr const char* NodeAddress = "192.168.49.2";
constexpr double DefaultDurationSeconds = 2.0;

const ResourceType& requireType(const ResourceRegistry& registry, const char* group, const char* plural)
{
    const ResourceType* type = registry.find(group, "v1", plural);
    if (!type)
        throw std::logic_error(std::string("the resource registry lacks ") + plural);
    return *type;
}

// An annotation of the Job, else of its pod template.
std::string annotation(const nlohmann::json& job, const char* key)
{
    const auto fromMetadata = [key](const nlohmann::json& metadata) {
        const nlohmann::json annotations = metadata.value("annotations", nlohmann::json::object());
        const auto found = annotations.find(key);
        return found != annotations.end() && found->is_string() ? found->get<std::string>() : std::string();
    };
    std::string value = fromMetadata(job.value("metadata", nlohmann::json::object()));
    if (value.empty()) {
        const nlohmann::json podTemplate = job.value("spec", nlohmann::json::object()).value("template", nlohmann::json::object());
        value = fromMetadata(podTemplate.value("metadata", nlohmann::json::object()));
    }
    return value;
}

double durationOf(const nlohmann::json& job)
{
    const std::string text = annotation(job, JobController::DurationAnnotation);
    char* end = nullptr;
    const double seconds = text.empty() ? DefaultDurationSeconds : std::strtod(text.c_str(), &end);
    if (!text.empty() && (end == text.c_str() || *end != '\0' || !std::isfinite(seconds) || seconds < 0))
        return DefaultDurationSeconds;
    return seconds;
}

int exitCodeOf(const nlohmann::json& job)
{
    const std::string text = annotation(job, JobController::ExitCodeAnnotation);
    return text.empty() ? 0 : std::atoi(text.c_str());
}

int integer(const nlohmann::json& object, const char* field, int fallback)
{
    const auto found = object.find(field);
    return found != object.end() && found->is_number_integer() ? found->get<int>() : fallback;
}

std::string ownerJobUid(const nlohmann::json& pod)
{
    // Compared as JSON values: a client-written pod may carry any types there.
    for (const auto& owner : pod["metadata"].value("ownerReferences", nlohmann::json::array())) {
        if (owner.is_object() && owner.value("kind", nlohmann::json()) == "Job"
            && owner.value("controller", nlohmann::json()) == true && owner.value("uid", nlohmann::json()).is_string())
            return owner["uid"].get<std::string>();
    }
    return {};
}

bool hasCondition(const nlohmann::json& job, const char* type)
{
    for (const auto& condition : job.value("status", nlohmann::json::object()).value("conditions", nlohmann::json::array())) {
        if (condition.value("type", "") == type && condition.value("status", "") == "True")
            return true;
    }
    return false;
}

nlohmann::json jobCondition(const char* type, const char* reason, const char* message, const std::string& now)
{
    return {{"type", type},
            {"status", "True"},
            {"reason", reason},
            {"message", message},
            {"lastProbeTime", now},
            {"lastTransitionTime", now}};
}

std::string commandLine(const nlohmann::json& container)
{
    std::string line;
    for (const char* field : {"command", "args"}) {
        for (const auto& part : container.value(field, nlohmann::json::array()))
            line += (line.empty() ? "" : " ") + (part.is_string() ? part.get<std::string>() : part.dump());
    }
    return line;
}

} // namespace

JobController::JobController(ObjectStore& store, const ResourceRegistry& registry)
    : m_store(store)
    , m_jobs(requireType(registry, "batch", "jobs"))
    , m_pods(requireType(registry, "", "pods"))
    , m_events(store, requireType(registry, "", "events"), "job-controller")
{
}

void JobController::reconcile(std::chrono::system_clock::time_point now)
{
    std::vector<nlohmann::json> jobs;
    std::vector<nlohmann::json> pods;
    m_store.list(m_jobs, {}, jobs);
    // Without Jobs now or at the last pass there is nothing to run or collect: skip the pod list.
    const bool hadJobs = std::exchange(m_hadJobs, !jobs.empty());
    if (jobs.empty() && !hadJobs)
        return;
    m_store.list(m_pods, {}, pods);
    std::map<std::string, std::vector<nlohmann::json>> podsByJob;
    for (auto& pod : pods) {
        const std::string uid = ownerJobUid(pod);
        if (!uid.empty())
            podsByJob[uid].push_back(std::move(pod));
    }
    for (const auto& job : jobs) {
        const std::string uid = job["metadata"].value("uid", "");
        auto owned = podsByJob.extract(uid);
        try {
            reconcileJob(job, owned ? std::move(owned.mapped()) : std::vector<nlohmann::json>(), now);
        } catch (const nlohmann::json::exception& error) {
            // A Job is whatever a client wrote: one the controller cannot read is left alone.
            logInfo("job " + job["metadata"].value("name", std::string()) + " skipped: " + error.what());
        }
    }
    // Garbage collection: pods whose Job is gone.
    for (const auto& [uid, orphans] : podsByJob) {
        for (const auto& pod : orphans)
            m_store.remove(m_pods, pod["metadata"].value("namespace", ""), pod["metadata"].value("name", ""));
    }
}

void JobController::reconcileJob(const nlohmann::json& job, std::vector<nlohmann::json> pods,
                                 std::chrono::system_clock::time_point now)
{
    if (hasCondition(job, "Complete") || hasCondition(job, "Failed"))
        return;
    const nlohmann::json spec = job.value("spec", nlohmann::json::object());
    if (spec.value("suspend", false) == true)
        return;
    const double duration = durationOf(job);
    const int exitCode = exitCodeOf(job);
    int active = 0;
    int succeeded = 0;
    int failed = 0;
    for (auto& pod : pods) {
        const nlohmann::json status = pod.value("status", nlohmann::json::object());
        const std::string phase = status.value("phase", "");
        if (phase == "Running") {
            const auto started = parseRfc3339(status.value("startTime", ""));
            if (!started || std::chrono::duration<double>(now - *started).count() >= duration) {
                finishPod(pod, exitCode, now);
                ++(exitCode == 0 ? succeeded : failed);
                continue;
            }
            ++active;
        } else if (phase == "Succeeded") {
            ++succeeded;
        } else if (phase == "Failed") {
            ++failed;
        } else {
            ++active;
        }
    }

    const int completions = std::max(1, integer(spec, "completions", 1));
    const int backoffLimit = std::max(0, integer(spec, "backoffLimit", 6));
    const std::string nowText = rfc3339(now);
    nlohmann::json conditions = nlohmann::json::array();
    bool complete = false;
    bool failedJob = false;
    if (succeeded >= completions) {
        complete = true;
        conditions.push_back(jobCondition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", nowText));
        conditions.push_back(jobCondition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", nowText));
    } else if (failed > backoffLimit) {
        failedJob = true;
        conditions.push_back(jobCondition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", nowText));
        conditions.push_back(jobCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", nowText));
    } else if (active == 0) {
        startPod(job);
        active = 1;
    }

    const auto& metadata = job.at("metadata");
    m_store.update(m_jobs, metadata.value("namespace", ""), metadata.value("name", ""),
                   [&](nlohmann::json& object) -> std::optional<ApiStatus> {
                       nlohmann::json& status = object["status"];
                       if (!status.is_object())
                           status = nlohmann::json::object();
                       if (!status.contains("startTime"))
                           status["startTime"] = nowText;
                       status["active"] = complete || failedJob ? 0 : active;
                       status["ready"] = complete || failedJob ? 0 : active;
                       status["terminating"] = 0;
                       status["uncountedTerminatedPods"] = nlohmann::json::object();
                       if (succeeded > 0)
                           status["succeeded"] = succeeded;
                       if (failed > 0)
                           status["failed"] = failed;
                       if (!conditions.empty()) {
                           status["conditions"] = conditions;
                           if (complete)
                               status["completionTime"] = nowText;
                       }
                       return std::nullopt;
                   });
    if (complete)
        m_events.record(job, "Normal", "Completed", "Job completed");
    else if (failedJob)
        m_events.record(job, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
}

void JobController::startPod(const nlohmann::json& job)
{
    const auto& metadata = job.at("metadata");
    const std::string jobName = metadata.value("name", "");
    const std::string namespaceName = metadata.value("namespace", "");
    const nlohmann::json podTemplate = job.value("spec", nlohmann::json::object()).value("template", nlohmann::json::object());
    nlohmann::json podSpec = podTemplate.value("spec", nlohmann::json::object());
    podSpec["nodeName"] = NodeName;
    const std::string now = rfc3339(std::chrono::system_clock::now());

    nlohmann::json containerStatuses = nlohmann::json::array();
    for (const auto& container : podSpec.value("containers", nlohmann::json::array())) {
        const std::string image = container.value("image", "");
        containerStatuses.push_back({{"name", container.value("name", "")},
                                     {"image", image},
                                     {"imageID", image},
                                     {"containerID", "containerd://" + m_names.suffix(32)},
                                     {"ready", true},
                                     {"started", true},
                                     {"restartCount", 0},
                                     {"state", {{"running", {{"startedAt", now}}}}}});
    }
    const unsigned address = m_nextPodAddress++;
    const std::string podIp = "10.244.200." + std::to_string(address % 250 + 2);
    nlohmann::json podMetadata = {
        {"name", jobName + '-' + m_names.suffix(5)},
        {"namespace", namespaceName},
        {"labels", podTemplate.value("metadata", nlohmann::json::object()).value("labels", nlohmann::json::object())},
        {"ownerReferences",
         {{{"apiVersion", "batch/v1"},
           {"kind", "Job"},
           {"name", jobName},
           {"uid", metadata.value("uid", "")},
           {"controller", true},
           {"blockOwnerDeletion", true}}}}};
    const nlohmann::json annotations =
        podTemplate.value("metadata", nlohmann::json::object()).value("annotations", nlohmann::json::object());
    if (!annotations.empty())
        podMetadata["annotations"] = annotations;
    const nlohmann::json pod = {{"apiVersion", "v1"},
                                {"kind", "Pod"},
                                {"metadata", podMetadata},
                                {"spec", podSpec},
                                {"status",
                                 {{"phase", "Running"},
                                  {"hostIP", NodeAddress},
                                  {"podIP", podIp},
                                  {"podIPs", {{{"ip", podIp}}}},
                                  {"startTime", now},
                                  {"qosClass", "BestEffort"},
                                  {"containerStatuses", containerStatuses}}}};
    nlohmann::json created;
    if (auto error = m_store.create(m_pods, pod, &created)) {
        logInfo("cannot create a pod for job " + namespaceName + '/' + jobName + ": " + error->message());
        return;
    }
    const std::string podName = created["metadata"].value("name", "");
    for (const auto& container : podSpec.value("containers", nlohmann::json::array())) {
        const std::string name = container.value("name", "");
        const std::string key = namespaceName + '/' + podName;
        m_store.podLogs().append(key, name, "Starting job " + jobName + " in pod " + podName + " (image "
                                                + container.value("image", "") + ')');
        if (const std::string command = commandLine(container); !command.empty())
            m_store.podLogs().append(key, name, "+ " + command);
    }
    m_events.record(job, "Normal", "SuccessfulCreate", "Created pod: " + podName);
}

void JobController::finishPod(const nlohmann::json& pod, int exitCode, std::chrono::system_clock::time_point now)
{
    const auto& metadata = pod.at("metadata");
    const std::string namespaceName = metadata.value("namespace", "");
    const std::string name = metadata.value("name", "");
    const std::string nowText = rfc3339(now);
    const auto started = parseRfc3339(pod.value("status", nlohmann::json::object()).value("startTime", ""));
    const double seconds = started ? std::chrono::duration<double>(now - *started).count() : 0.0;
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1fs", seconds);
    for (const auto& container : pod.value("spec", nlohmann::json::object()).value("containers", nlohmann::json::array())) {
        const std::string containerName = container.value("name", "");
        const std::string key = namespaceName + '/' + name;
        m_store.podLogs().append(key, containerName,
                                 exitCode == 0 ? std::string("Completed successfully after ") + elapsed
                                               : "Error: exited with code " + std::to_string(exitCode) + " after " + elapsed);
        m_store.podLogs().finish(key, containerName);
    }
    m_store.update(m_pods, namespaceName, name, [&](nlohmann::json& object) -> std::optional<ApiStatus> {
        auto& status = object["status"];
        status["phase"] = exitCode == 0 ? "Succeeded" : "Failed";
        for (auto& container : status["containerStatuses"]) {
            const nlohmann::json running = container["state"].value("running", nlohmann::json::object());
            container["ready"] = false;
            container["started"] = false;
            container["state"] = {{"terminated",
                                   {{"exitCode", exitCode},
                                    {"reason", exitCode == 0 ? "Completed" : "Error"},
                                    {"startedAt", running.value("startedAt", nowText)},
                                    {"finishedAt", nowText},
                                    {"containerID", container.value("containerID", "")}}}};
        }
        status["conditions"] = {{{"type", "Ready"}, {"status", "False"}, {"reason", "PodCompleted"}, {"lastTransitionTime", nowText}},
                                {{"type", "ContainersReady"}, {"status", "False"}, {"reason", "PodCompleted"}, {"lastTransitionTime", nowText}},
                                {{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", nowText}}};
        return std::nullopt;
    });
}

} // namespace democluster

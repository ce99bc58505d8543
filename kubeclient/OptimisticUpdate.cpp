// SPDX-License-Identifier: Apache-2.0
#include "OptimisticUpdate.h"

#include "KubeClient.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace kube {

namespace {

// RFC 7386 merge patch turning before into after: changed members, removed ones as null; arrays and
// scalars whole.
nlohmann::json mergePatch(const nlohmann::json& before, const nlohmann::json& after)
{
    if (!before.is_object() || !after.is_object())
        return after;
    nlohmann::json patch = nlohmann::json::object();
    for (const auto& [key, value] : before.items()) {
        if (!after.contains(key))
            patch[key] = nullptr;
    }
    for (const auto& [key, value] : after.items()) {
        const auto old = before.find(key);
        if (old == before.end())
            patch[key] = value;
        else if (*old != value)
            patch[key] = mergePatch(*old, value);
    }
    return patch;
}

std::string resourceVersion(const nlohmann::json& object)
{
    return InformerCache::resourceVersionOf(object);
}

} // namespace

OptimisticUpdate::OptimisticUpdate(KubeClient& client, std::string path, Edit edit, Callback done,
                                   WriteMethod method, int maxAttempts)
    : m_client(client)
    , m_path(std::move(path))
    , m_edit(std::move(edit))
    , m_done(std::move(done))
    , m_method(method)
    , m_maxAttempts(std::max(1, maxAttempts))
{
}

OptimisticUpdate::~OptimisticUpdate()
{
    cancel();
}

void OptimisticUpdate::start()
{
    m_attempts = 0;
    m_refused = {};
    read();
}

void OptimisticUpdate::cancel()
{
    if (m_inFlight != 0)
        m_client.cancel(m_inFlight);
    m_inFlight = 0;
}

std::string OptimisticUpdate::writeBody(WriteMethod method, const nlohmann::json& before, const nlohmann::json& after)
{
    const std::string version = resourceVersion(before);
    switch (method) {
    case WriteMethod::Put: {
        nlohmann::json body = after;
        // The version read, whatever the edit did to it: it is the precondition of the write.
        body["metadata"]["resourceVersion"] = version;
        return body.dump();
    }
    case WriteMethod::MergePatch: {
        nlohmann::json body = mergePatch(before, after);
        body["metadata"]["resourceVersion"] = version;
        return body.dump();
    }
    case WriteMethod::JsonPatch: {
        nlohmann::json body = nlohmann::json::array();
        body.push_back({{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", version}});
        for (auto& operation : nlohmann::json::diff(before, after))
            body.push_back(std::move(operation));
        return body.dump();
    }
    }
    return {};
}

void OptimisticUpdate::read()
{
    m_inFlight = m_client.get(m_path, [this](JsonResult result) {
        m_inFlight = 0;
        onRead(result.error, result.object);
    });
}

void OptimisticUpdate::onRead(const ApiError& error, const ObjectPtr& current)
{
    if (ApiError refused = std::exchange(m_refused, {}); refused && !error && resourceVersion(*current) == m_writtenAgainst) {
        // Nobody wrote meanwhile: the server refused the patch itself.
        UpdateResult result;
        result.error = std::move(refused);
        finish(std::move(result));
        return;
    }
    if (error) {
        UpdateResult result;
        result.error = error;
        finish(std::move(result));
        return;
    }
    nlohmann::json edited = *current;
    const EditVerdict verdict = m_edit(edited);
    if (verdict.kind == EditVerdict::Kind::NoLongerApplies || edited == *current) {
        UpdateResult result;
        result.outcome = verdict.kind == EditVerdict::Kind::NoLongerApplies ? UpdateResult::Outcome::NoLongerApplies
                                                                            : UpdateResult::Outcome::Unchanged;
        result.reason = verdict.reason;
        result.object = current;
        finish(std::move(result));
        return;
    }
    ++m_attempts;
    m_writtenAgainst = resourceVersion(*current);
    std::string body = writeBody(m_method, *current, edited);
    auto written = [this](JsonResult result) {
        m_inFlight = 0;
        onWritten(result.error, result.object);
    };
    switch (m_method) {
    case WriteMethod::Put:
        m_inFlight = m_client.put(m_path, std::move(body), written);
        break;
    case WriteMethod::MergePatch:
        m_inFlight = m_client.patch(m_path, PatchType::Merge, std::move(body), written);
        break;
    case WriteMethod::JsonPatch:
        m_inFlight = m_client.patch(m_path, PatchType::Json, std::move(body), written);
        break;
    }
}

void OptimisticUpdate::onWritten(const ApiError& error, const ObjectPtr& written)
{
    if (error && m_attempts < m_maxAttempts) {
        if (error.httpStatus == 409) {
            read();
            return;
        }
        if (m_method == WriteMethod::JsonPatch && error.httpStatus == 422) {
            m_refused = error;
            read();
            return;
        }
    }
    UpdateResult result;
    if (error) {
        result.error = error;
    } else {
        result.outcome = UpdateResult::Outcome::Updated;
        result.object = written;
    }
    finish(std::move(result));
}

void OptimisticUpdate::finish(UpdateResult result)
{
    result.attempts = m_attempts;
    if (m_done)
        m_done(std::move(result));
}

} // namespace kube

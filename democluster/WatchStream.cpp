// SPDX-License-Identifier: Apache-2.0
#include "WatchStream.h"

#include "ApiStatus.h"
#include "ObjectStore.h"
#include "ResourceType.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace democluster {

namespace {

const char* typeName(StoreEvent::Type type)
{
    switch (type) {
    case StoreEvent::Type::Added:
        return "ADDED";
    case StoreEvent::Type::Modified:
        return "MODIFIED";
    case StoreEvent::Type::Deleted:
        return "DELETED";
    }
    return "MODIFIED";
}

nlohmann::json labelsOf(const nlohmann::json& object)
{
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return nullptr;
    return metadata->value("labels", nlohmann::json());
}

} // namespace

WatchStream::WatchStream(const ObjectStore& store, const ResourceType& type, Options options, std::uint64_t from,
                         std::vector<nlohmann::json> initial, Encoder encoder, std::shared_ptr<std::atomic<int>> slot)
    : m_store(store)
    , m_type(type)
    , m_options(std::move(options))
    , m_cursor(from)
    , m_initial(std::move(initial))
    , m_encoder(std::move(encoder))
    , m_slot(std::move(slot))
    , m_lastWrite(std::chrono::steady_clock::now())
    , m_lastBookmark(m_lastWrite)
{
}

WatchStream::~WatchStream()
{
    if (m_slot)
        --*m_slot;
}

bool WatchStream::next(std::string& out, std::chrono::milliseconds wait)
{
    if (m_finished)
        return false;
    const std::size_t sizeBefore = out.size();
    for (const auto& object : m_initial)
        appendEvent(out, "ADDED", object);
    m_initial.clear();

    const auto now = std::chrono::steady_clock::now();
    if (now >= m_options.deadline) {
        m_finished = true;
        return false;
    }
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(m_options.deadline - now);
    // Events already queued are sent without waiting.
    const auto changes = m_store.changesSince(m_cursor, out.size() > sizeBefore ? std::chrono::milliseconds(0)
                                                                                 : std::min(wait, remaining));
    if (!changes) {
        // What kube-apiserver's watch cache does for a version it no longer holds: the watch
        // opens, then carries one ERROR event with the Expired status, and ends.
        const ApiStatus expired = ApiStatus::expired(m_cursor, m_store.oldestResumableVersion());
        appendEvent(out, "ERROR", nlohmann::json::parse(expired.toJson()));
        m_finished = true;
        return true;
    }
    for (const auto& event : changes->events) {
        if (event.groupResource == m_type.groupResource())
            appendChange(out, event);
    }
    m_cursor = changes->resourceVersion;

    const auto after = std::chrono::steady_clock::now();
    if (m_options.bookmarks && after - m_lastBookmark >= m_options.bookmarkInterval) {
        m_lastBookmark = after;
        const nlohmann::json bookmark = {
            {"kind", m_type.kind},
            {"apiVersion", m_type.apiVersion()},
            {"metadata", {{"resourceVersion", std::to_string(m_cursor)}, {"creationTimestamp", nullptr}}}};
        // Bookmarks carry only a version: never a Table, whatever the client asked for.
        out += nlohmann::json{{"type", "BOOKMARK"}, {"object", bookmark}}.dump();
        out += '\n';
        m_lastWrite = after;
    }
    if (out.size() == sizeBefore && after - m_lastWrite >= m_options.heartbeatInterval) {
        out += '\n';
        m_lastWrite = after;
    }
    return true;
}

bool WatchStream::selected(const nlohmann::json& object) const
{
    const auto metadata = object.find("metadata");
    if (!m_options.namespaceName.empty()
        && (metadata == object.end() || metadata->value("namespace", std::string()) != m_options.namespaceName))
        return false;
    return m_options.labels.matches(labelsOf(object)) && m_options.fields.matches(object);
}

void WatchStream::appendChange(std::string& out, const StoreEvent& event)
{
    const bool now = selected(*event.object);
    const bool before = event.previous ? selected(*event.previous) : now;
    if (event.type != StoreEvent::Type::Modified || (now && before)) {
        if (now)
            appendEvent(out, typeName(event.type), *event.object);
    } else if (now) {
        appendEvent(out, "ADDED", *event.object); // moved into the selection
    } else if (before) {
        // Moved out of the selection: the watch cache reports the old object at the new version.
        nlohmann::json last = *event.previous;
        last["metadata"]["resourceVersion"] = std::to_string(event.resourceVersion);
        appendEvent(out, "DELETED", last);
    }
}

void WatchStream::appendEvent(std::string& out, const char* type, const nlohmann::json& object)
{
    const bool error = std::string_view(type) == "ERROR";
    // Watched at another version of the same resource (networking.istio.io/v1beta1): that version's apiVersion.
    nlohmann::json converted;
    const nlohmann::json* payload = &object;
    if (!error && object.value("apiVersion", std::string()) != m_type.apiVersion()) {
        converted = object;
        converted["apiVersion"] = m_type.apiVersion();
        payload = &converted;
    }
    out += nlohmann::json{{"type", type}, {"object", error || !m_encoder ? *payload : m_encoder(*payload)}}.dump();
    out += '\n';
    m_lastWrite = std::chrono::steady_clock::now();
}

} // namespace democluster

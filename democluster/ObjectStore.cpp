// SPDX-License-Identifier: Apache-2.0
#include "ObjectStore.h"

#include "RandomNames.h"
#include "ResourceType.h"
#include "StateDirectory.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace democluster {

namespace {

RandomNames& uidSource()
{
    static RandomNames names;
    return names;
}

std::string metadataString(const nlohmann::json& object, const char* field)
{
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return {};
    const auto value = metadata->find(field);
    return value != metadata->end() && value->is_string() ? value->get<std::string>() : std::string();
}

} // namespace

ObjectStore::ObjectStore(std::size_t historyLimit)
    : m_events(historyLimit)
{
}

ObjectStore::~ObjectStore() = default;

std::optional<ApiStatus> ObjectStore::create(const ResourceType& type, const nlohmann::json& object,
                                             nlohmann::json* stored)
{
    if (!object.is_object())
        return ApiStatus::badRequest("the object provided is not a JSON object");
    auto created = std::make_shared<nlohmann::json>(object);
    auto& metadata = (*created)["metadata"];
    if (!metadata.is_object())
        return ApiStatus::badRequest("metadata must be an object");
    const std::string name = metadataString(*created, "name");
    if (name.empty())
        return ApiStatus::badRequest("metadata.name: Required value: name or generateName is required");
    const std::string namespaceName = type.namespaced ? metadataString(*created, "namespace") : std::string();
    if (type.namespaced && namespaceName.empty())
        return ApiStatus::badRequest("metadata.namespace: Required value");
    if (!type.namespaced)
        metadata.erase("namespace");

    (*created)["apiVersion"] = type.apiVersion();
    (*created)["kind"] = type.kind;
    if (!metadata.value("uid", nlohmann::json()).is_string() || metadata["uid"].get<std::string>().empty())
        metadata["uid"] = uidSource().uuid();
    metadata["creationTimestamp"] = rfc3339(std::chrono::system_clock::now());
    metadata["generation"] = 1;

    std::lock_guard lock(m_mutex);
    Key key{type.groupResource(), namespaceName, name};
    if (m_objects.count(key))
        return ApiStatus::alreadyExists(type, name);
    metadata["resourceVersion"] = std::to_string(m_resourceVersion + 1);
    if (auto error = persistLocked(type.groupResource(), created.get(), {}, m_resourceVersion + 1))
        return error;
    ++m_resourceVersion;
    std::shared_ptr<const nlohmann::json> frozen = std::move(created);
    m_objects.emplace(std::move(key), frozen);
    recordLocked(StoreEvent::Type::Added, type.groupResource(), frozen);
    if (stored)
        *stored = *frozen;
    return std::nullopt;
}

std::optional<ApiStatus> ObjectStore::get(const ResourceType& type, const std::string& namespaceName,
                                          const std::string& name, nlohmann::json& object) const
{
    std::lock_guard lock(m_mutex);
    const auto found = m_objects.find(Key{type.groupResource(), type.namespaced ? namespaceName : "", name});
    if (found == m_objects.end())
        return ApiStatus::notFound(type, name);
    object = *found->second;
    return std::nullopt;
}

std::string ObjectStore::list(const ResourceType& type, const std::string& namespaceName,
                              std::vector<nlohmann::json>& objects) const
{
    const std::string resource = type.groupResource();
    const std::string scope = type.namespaced ? namespaceName : std::string();
    std::lock_guard lock(m_mutex);
    for (auto it = m_objects.lower_bound(Key{resource, scope, ""}); it != m_objects.end(); ++it) {
        const auto& [itemResource, itemNamespace, itemName] = it->first;
        if (itemResource != resource || (!scope.empty() && itemNamespace != scope))
            break;
        objects.push_back(*it->second);
    }
    return std::to_string(m_resourceVersion);
}

std::optional<ApiStatus> ObjectStore::update(const ResourceType& type, const std::string& namespaceName,
                                             const std::string& name, const Mutator& mutate,
                                             nlohmann::json* stored)
{
    std::lock_guard lock(m_mutex);
    const auto found = m_objects.find(Key{type.groupResource(), type.namespaced ? namespaceName : "", name});
    if (found == m_objects.end())
        return ApiStatus::notFound(type, name);
    const nlohmann::json& current = *found->second;
    auto updated = std::make_shared<nlohmann::json>(current);
    if (auto error = mutate(*updated))
        return error;
    if (!updated->is_object() || !(*updated)["metadata"].is_object())
        return ApiStatus::badRequest("the updated object must be a JSON object with metadata");

    auto& metadata = (*updated)["metadata"];
    const std::string currentVersion = metadataString(current, "resourceVersion");
    const auto requestedVersion = metadata.find("resourceVersion");
    if (requestedVersion != metadata.end() && !requestedVersion->is_null() && *requestedVersion != currentVersion)
        return ApiStatus::conflict(type, name);

    // Fields only the server may set survive whatever the client sent.
    (*updated)["apiVersion"] = type.apiVersion();
    (*updated)["kind"] = type.kind;
    for (const char* field : {"name", "namespace", "uid", "creationTimestamp", "generation"}) {
        const auto kept = current.at("metadata").find(field);
        if (kept != current.at("metadata").end())
            metadata[field] = *kept;
        else
            metadata.erase(field);
    }
    metadata["resourceVersion"] = currentVersion;
    if (*updated == current) {
        if (stored)
            *stored = current;
        return std::nullopt;
    }
    if (updated->value("spec", nlohmann::json()) != current.value("spec", nlohmann::json()))
        metadata["generation"] = metadata.value("generation", 0) + 1;
    metadata["resourceVersion"] = std::to_string(m_resourceVersion + 1);
    if (auto error = persistLocked(type.groupResource(), updated.get(), {}, m_resourceVersion + 1))
        return error;
    ++m_resourceVersion;

    std::shared_ptr<const nlohmann::json> frozen = std::move(updated);
    std::shared_ptr<const nlohmann::json> previous = std::exchange(found->second, frozen);
    recordLocked(StoreEvent::Type::Modified, type.groupResource(), frozen, std::move(previous));
    if (stored)
        *stored = *frozen;
    return std::nullopt;
}

std::optional<ApiStatus> ObjectStore::remove(const ResourceType& type, const std::string& namespaceName,
                                             const std::string& name, nlohmann::json* removed)
{
    std::lock_guard lock(m_mutex);
    const auto found = m_objects.find(Key{type.groupResource(), type.namespaced ? namespaceName : "", name});
    if (found == m_objects.end())
        return ApiStatus::notFound(type, name);
    auto last = std::make_shared<nlohmann::json>(*found->second);
    if (auto error = persistLocked(type.groupResource(), nullptr, found->first, m_resourceVersion + 1))
        return error;
    (*last)["metadata"]["resourceVersion"] = std::to_string(++m_resourceVersion);
    if (std::get<0>(found->first) == "pods")
        m_podLogs.forget(std::get<1>(found->first) + '/' + std::get<2>(found->first)); // logs go with their pod
    m_objects.erase(found);
    if (removed)
        *removed = *last;
    recordLocked(StoreEvent::Type::Deleted, type.groupResource(), std::move(last));
    return std::nullopt;
}

std::string ObjectStore::resourceVersion() const
{
    std::lock_guard lock(m_mutex);
    return std::to_string(m_resourceVersion);
}

std::optional<ObjectStore::Changes> ObjectStore::changesSince(std::uint64_t resourceVersion,
                                                             std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_mutex);
    m_written.wait_for(lock, timeout, [&] { return m_resourceVersion > resourceVersion; });
    auto events = m_events.since(resourceVersion);
    if (!events)
        return std::nullopt;
    return Changes{std::move(*events), std::max(resourceVersion, m_resourceVersion)};
}

std::size_t ObjectStore::persistTo(const std::filesystem::path& directory)
{
    auto state = std::make_unique<StateDirectory>(directory);
    StateDirectory::Contents contents = state->load();
    std::lock_guard lock(m_mutex);
    std::uint64_t highest = std::max(contents.resourceVersion, m_resourceVersion);
    for (auto& [groupResource, object] : contents.objects) {
        const std::string version = metadataString(object, "resourceVersion");
        if (!version.empty() && std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; }))
            highest = std::max<std::uint64_t>(highest, std::stoull(version));
        Key key{groupResource, metadataString(object, "namespace"), metadataString(object, "name")};
        m_objects[std::move(key)] = std::make_shared<const nlohmann::json>(std::move(object));
    }
    m_resourceVersion = highest;
    // What happened before the restart is not in the history: a watch from then must relist.
    m_events.startAfter(m_resourceVersion);
    m_state = std::move(state);
    return contents.objects.size();
}

std::optional<ApiStatus> ObjectStore::persistLocked(const std::string& groupResource, const nlohmann::json* object,
                                                   const Key& removedKey, std::uint64_t resourceVersion)
{
    if (!m_state)
        return std::nullopt;
    try {
        if (object)
            m_state->save(groupResource, *object, resourceVersion);
        else
            m_state->remove(groupResource, std::get<1>(removedKey), std::get<2>(removedKey), resourceVersion);
    } catch (const std::exception& error) {
        return ApiStatus::internalError(std::string("cannot save to the state directory: ") + error.what());
    }
    return std::nullopt;
}

std::uint64_t ObjectStore::oldestResumableVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_events.oldestResumable();
}

void ObjectStore::recordLocked(StoreEvent::Type type, const std::string& groupResource,
                               std::shared_ptr<const nlohmann::json> object,
                               std::shared_ptr<const nlohmann::json> previous)
{
    m_events.append(StoreEvent{type, m_resourceVersion, groupResource, std::move(object), std::move(previous)});
    m_written.notify_all();
}

} // namespace democluster

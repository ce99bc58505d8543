// SPDX-License-Identifier: Apache-2.0
#include "InformerCache.h"

#include <nlohmann/json.hpp>

namespace kube {

namespace {

std::string metadataText(const nlohmann::json& object, const char* key)
{
    if (!object.is_object())
        return {};
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return {};
    const auto value = metadata->find(key);
    return value != metadata->end() && value->is_string() ? value->get<std::string>() : std::string();
}

} // namespace

std::string InformerCache::keyOf(const nlohmann::json& object)
{
    const std::string name = metadataText(object, "name");
    if (name.empty())
        return {};
    const std::string namespaceName = metadataText(object, "namespace");
    return namespaceName.empty() ? name : namespaceName + "/" + name;
}

std::string InformerCache::resourceVersionOf(const nlohmann::json& object)
{
    return metadataText(object, "resourceVersion");
}

std::optional<CacheChange> InformerCache::apply(const std::string& eventType, ObjectPtr object)
{
    if (!object)
        return std::nullopt;
    const std::string key = keyOf(*object);
    if (key.empty())
        return std::nullopt;
    const auto it = m_objects.find(key);
    if (eventType == "DELETED") {
        if (it == m_objects.end())
            return std::nullopt;
        CacheChange change{CacheChange::Type::Deleted, it->second, std::move(object)};
        m_objects.erase(it);
        return change;
    }
    if (eventType != "ADDED" && eventType != "MODIFIED")
        return std::nullopt;
    if (it == m_objects.end()) {
        m_objects.emplace(key, object);
        return CacheChange{CacheChange::Type::Added, nullptr, std::move(object)};
    }
    if (resourceVersionOf(*it->second) == resourceVersionOf(*object))
        return std::nullopt;
    CacheChange change{CacheChange::Type::Updated, it->second, object};
    it->second = std::move(object);
    return change;
}

std::vector<CacheChange> InformerCache::replace(const std::vector<ObjectPtr>& items)
{
    std::map<std::string, ObjectPtr> fresh;
    for (const auto& item : items) {
        if (!item)
            continue;
        if (std::string key = keyOf(*item); !key.empty())
            fresh.insert_or_assign(std::move(key), item);
    }

    // Both maps are sorted: one merge walk finds adds, updates and deletions in key order.
    std::vector<CacheChange> changes;
    auto old = m_objects.begin();
    auto now = fresh.begin();
    while (old != m_objects.end() || now != fresh.end()) {
        if (now == fresh.end() || (old != m_objects.end() && old->first < now->first)) {
            changes.push_back({CacheChange::Type::Deleted, old->second, old->second});
            ++old;
        } else if (old == m_objects.end() || now->first < old->first) {
            changes.push_back({CacheChange::Type::Added, nullptr, now->second});
            ++now;
        } else {
            if (resourceVersionOf(*old->second) != resourceVersionOf(*now->second))
                changes.push_back({CacheChange::Type::Updated, old->second, now->second});
            else
                now->second = old->second; // the same version: keep the instance callers already hold
            ++old;
            ++now;
        }
    }
    m_objects = std::move(fresh);
    return changes;
}

ObjectPtr InformerCache::get(const std::string& key) const
{
    const auto it = m_objects.find(key);
    return it == m_objects.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> InformerCache::items() const
{
    std::vector<ObjectPtr> out;
    out.reserve(m_objects.size());
    for (const auto& [key, object] : m_objects)
        out.push_back(object);
    return out;
}

} // namespace kube

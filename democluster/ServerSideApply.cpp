// SPDX-License-Identifier: Apache-2.0
#include "ServerSideApply.h"

#include "ListMergeKeys.h"
#include "ManagedFields.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <map>

namespace democluster {

namespace {

void merge(nlohmann::json& target, const nlohmann::json& applied, const std::string& field, bool keyedLists)
{
    if (applied.is_object()) {
        if (!target.is_object())
            target = nlohmann::json::object();
        for (const auto& [key, value] : applied.items()) {
            if (value.is_null())
                target.erase(key);
            else
                merge(target[key], value, key, keyedLists);
        }
        return;
    }
    if (applied.is_array() && keyedLists && !applied.empty() && target.is_array()) {
        const auto keys = ListMergeKeys::listMapKeys(field, applied.front());
        if (!keys.empty()) {
            for (const auto& element : applied) {
                const nlohmann::json key = ListMergeKeys::elementKey(keys, element);
                auto match = target.end();
                for (auto it = target.begin(); !key.is_null() && it != target.end(); ++it) {
                    if (ListMergeKeys::elementKey(keys, *it) == key)
                        match = it;
                }
                if (match == target.end())
                    target.push_back(element);
                else
                    merge(*match, element, {}, keyedLists);
            }
            return;
        }
    }
    target = applied;
}

bool ownsWithin(const ManagedFields::FieldSet& fields, const ManagedFields::Path& path)
{
    // The path itself or anything below it.
    const auto from = fields.lower_bound(path);
    return from != fields.end() && from->size() >= path.size() && std::equal(path.begin(), path.end(), from->begin());
}

struct Conflict {
    std::string manager;
    ManagedFields::Path path;
};

// kube-apiserver's wording (managedfields/internal/conflict.go): one conflict inline, several
// grouped by manager.
std::string conflictMessage(const std::vector<Conflict>& conflicts)
{
    if (conflicts.size() == 1)
        return "Apply failed with 1 conflict: conflict with " + conflicts[0].manager + ": "
               + ManagedFields::pathText(conflicts[0].path);
    std::map<std::string, std::vector<std::string>> byManager;
    for (const auto& conflict : conflicts)
        byManager[conflict.manager].push_back(ManagedFields::pathText(conflict.path));
    std::string lines;
    for (const auto& [manager, paths] : byManager) {
        lines += (lines.empty() ? "" : "\n") + ("conflicts with " + manager + ":");
        for (const auto& path : paths)
            lines += "\n- " + path;
    }
    return "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: " + lines;
}

} // namespace

std::optional<ApiStatus> ServerSideApply::apply(const nlohmann::json& live,
                                                const nlohmann::json& configuration, const Request& request,
                                                nlohmann::json& result)
{
    const ManagedFields::FieldSet applied = ManagedFields::fieldsOf(configuration, request.keyedLists);
    std::vector<ManagedFields::Entry> entries = live.is_null() ? std::vector<ManagedFields::Entry>()
                                                               : ManagedFields::read(live);
    const auto isMine = [&](const ManagedFields::Entry& entry) {
        return entry.manager == request.manager && entry.operation == "Apply";
    };

    std::vector<Conflict> conflicts;
    std::vector<std::pair<ManagedFields::Entry*, ManagedFields::Path>> forced;
    for (auto& entry : entries) {
        if (isMine(entry))
            continue;
        for (const auto& path : applied) {
            if (!entry.fields.count(path) || path.back().starts_with("k:"))
                continue;
            const nlohmann::json* current = ManagedFields::valueAt(live, path);
            const nlohmann::json* wanted = ManagedFields::valueAt(configuration, path);
            if (current && wanted && *current == *wanted)
                continue; // the same value: both own it
            if (request.force) {
                forced.emplace_back(&entry, path);
                continue;
            }
            const std::string who = entry.operation == "Update"
                                        ? '"' + entry.manager + "\" using " + entry.apiVersion
                                        : '"' + entry.manager + '"';
            conflicts.push_back({who, path});
        }
    }
    if (!conflicts.empty())
        return ApiStatus::applyConflict(conflictMessage(conflicts), [&] {
                                            std::vector<std::pair<std::string, std::string>> causes;
                                            for (const auto& conflict : conflicts)
                                                causes.emplace_back("conflict with " + conflict.manager,
                                                                    ManagedFields::pathText(conflict.path));
                                            return causes;
                                        }());
    for (auto& [entry, path] : forced)
        entry->fields.erase(path);

    result = live.is_null() ? nlohmann::json::object() : live;
    // What this manager applied before and leaves out now goes, unless someone else holds it.
    ManagedFields::Entry* mine = nullptr;
    for (auto& entry : entries) {
        if (isMine(entry))
            mine = &entry;
    }
    if (mine) {
        for (const auto& path : mine->fields) {
            if (applied.count(path))
                continue;
            const bool heldElsewhere = std::any_of(entries.begin(), entries.end(), [&](const ManagedFields::Entry& entry) {
                return &entry != mine && ownsWithin(entry.fields, path);
            });
            if (!heldElsewhere && !ownsWithin(applied, path))
                ManagedFields::erase(result, path);
        }
    }
    merge(result, configuration, {}, request.keyedLists);

    if (!mine) {
        entries.push_back({request.manager, "Apply", request.apiVersion, {}, {}});
        mine = &entries.back();
    }
    // An unchanged apply keeps its timestamp, so applying the same thing twice changes nothing.
    if (mine->fields != applied || mine->apiVersion != request.apiVersion || mine->time.empty()) {
        mine->fields = applied;
        mine->apiVersion = request.apiVersion;
        mine->time = rfc3339(std::chrono::system_clock::now());
    }
    ManagedFields::write(result, entries);
    return std::nullopt;
}

} // namespace democluster

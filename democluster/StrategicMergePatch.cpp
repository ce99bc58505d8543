// SPDX-License-Identifier: Apache-2.0
#include "StrategicMergePatch.h"

#include "ListMergeKeys.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace democluster {

namespace {

constexpr std::string_view SetElementOrder = "$setElementOrder/";
constexpr std::string_view DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

std::optional<std::string> mergeObject(nlohmann::json& target, const nlohmann::json& patch);

// A patch value as it lands where nothing was: merged into an empty value so directives vanish.
std::optional<std::string> fresh(const nlohmann::json& patch, nlohmann::json& out)
{
    if (patch.is_object()) {
        out = nlohmann::json::object();
        return mergeObject(out, patch);
    }
    if (patch.is_array()) {
        out = nlohmann::json::array();
        for (const auto& element : patch) {
            if (element.is_object() && element.contains("$patch"))
                continue;
            nlohmann::json cleaned;
            if (auto error = fresh(element, cleaned))
                return error;
            out.push_back(std::move(cleaned));
        }
        return std::nullopt;
    }
    out = patch;
    return std::nullopt;
}

bool sameKey(const nlohmann::json& element, const std::string& mergeKey, const nlohmann::json& value)
{
    if (!element.is_object())
        return false;
    const auto found = element.find(mergeKey);
    return found != element.end() && *found == value;
}

std::optional<std::string> mergeList(nlohmann::json& target, const nlohmann::json& patch, const std::string& mergeKey)
{
    if (!target.is_array())
        target = nlohmann::json::array();
    for (const auto& element : patch) {
        if (!element.is_object() || !element.contains(mergeKey))
            return "missing merge key " + mergeKey + " in a list element";
        const nlohmann::json& key = element[mergeKey];
        const auto match = std::find_if(target.begin(), target.end(),
                                        [&](const nlohmann::json& existing) { return sameKey(existing, mergeKey, key); });
        const auto directive = element.find("$patch");
        if (directive != element.end()) {
            if (*directive == "delete") {
                if (match != target.end())
                    target.erase(match);
                continue;
            }
            if (*directive != "replace" && *directive != "merge")
                return "unknown patch directive " + directive->dump();
        }
        if (match == target.end()) {
            nlohmann::json added;
            if (auto error = fresh(element, added))
                return error;
            target.push_back(std::move(added));
        } else if (auto error = mergeObject(*match, element)) {
            return error;
        }
    }
    return std::nullopt;
}

// Orders `list` like `order` (elements or their keys); elements the order does not name follow.
void reorder(nlohmann::json& list, const nlohmann::json& order, const std::string& mergeKey)
{
    if (!list.is_array() || !order.is_array())
        return;
    const auto rank = [&](const nlohmann::json& element) {
        for (std::size_t i = 0; i < order.size(); ++i) {
            const bool matches = mergeKey.empty() ? order[i] == element
                                                  : order[i].is_object() && order[i].contains(mergeKey)
                                                        && sameKey(element, mergeKey, order[i][mergeKey]);
            if (matches)
                return i;
        }
        return order.size();
    };
    std::vector<nlohmann::json> elements(list.begin(), list.end());
    std::stable_sort(elements.begin(), elements.end(),
                     [&](const nlohmann::json& a, const nlohmann::json& b) { return rank(a) < rank(b); });
    list = elements;
}

std::optional<std::string> mergeObject(nlohmann::json& target, const nlohmann::json& patch)
{
    if (!patch.is_object())
        return std::string("a patch for an object must be an object");
    if (!target.is_object())
        target = nlohmann::json::object();
    const auto directive = patch.find("$patch");
    if (directive != patch.end()) {
        if (*directive == "replace") {
            nlohmann::json replacement = patch;
            replacement.erase("$patch");
            return fresh(replacement, target);
        }
        if (*directive == "delete") {
            target = nlohmann::json::object();
            return std::nullopt;
        }
        return "unknown patch directive " + directive->dump();
    }
    for (const auto& [key, value] : patch.items()) {
        if (key.starts_with(SetElementOrder) || key == "$retainKeys")
            continue; // after the merge
        if (key.starts_with(DeleteFromPrimitiveList)) {
            auto& list = target[key.substr(DeleteFromPrimitiveList.size())];
            if (list.is_array() && value.is_array()) {
                nlohmann::json kept = nlohmann::json::array();
                for (const auto& element : list) {
                    if (std::find(value.begin(), value.end(), element) == value.end())
                        kept.push_back(element);
                }
                list = std::move(kept);
            }
            continue;
        }
        if (key.starts_with('$'))
            return "unknown patch directive " + key;
        if (value.is_null()) {
            target.erase(key);
        } else if (value.is_object()) {
            if (auto error = mergeObject(target[key], value))
                return error;
        } else if (value.is_array()) {
            const nlohmann::json& sample = !value.empty() ? value.front() : nlohmann::json();
            const std::string mergeKey = ListMergeKeys::patchMergeKey(key, sample);
            if (!mergeKey.empty() && (value.empty() || sample.is_object())) {
                if (auto error = mergeList(target[key], value, mergeKey))
                    return error;
            } else if (ListMergeKeys::mergesScalars(key) && target[key].is_array()) {
                for (const auto& element : value) {
                    if (std::find(target[key].begin(), target[key].end(), element) == target[key].end())
                        target[key].push_back(element);
                }
            } else if (auto error = fresh(value, target[key])) {
                return error;
            }
        } else {
            target[key] = value;
        }
    }
    for (const auto& [key, value] : patch.items()) {
        if (key.starts_with(SetElementOrder)) {
            const std::string field = key.substr(SetElementOrder.size());
            if (target.contains(field)) {
                const nlohmann::json& sample = value.is_array() && !value.empty() ? value.front() : nlohmann::json();
                reorder(target[field], value, sample.is_object() ? ListMergeKeys::patchMergeKey(field, sample) : "");
            }
        } else if (key == "$retainKeys" && value.is_array()) {
            for (auto it = target.begin(); it != target.end();) {
                if (std::find(value.begin(), value.end(), it.key()) == value.end())
                    it = target.erase(it);
                else
                    ++it;
            }
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> StrategicMergePatch::apply(nlohmann::json& target, const nlohmann::json& patch)
{
    return mergeObject(target, patch);
}

} // namespace democluster

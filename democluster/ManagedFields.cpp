// SPDX-License-Identifier: Apache-2.0
#include "ManagedFields.h"

#include "ListMergeKeys.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace democluster {

namespace {

bool serverOwned(const ManagedFields::Path& parent, const std::string& key)
{
    if (parent.empty())
        return key == "apiVersion" || key == "kind" || key == "status";
    if (parent.size() == 1 && parent.front() == "f:metadata") {
        static const std::set<std::string> owned = {"name", "namespace", "uid", "resourceVersion", "generation",
                                                    "creationTimestamp", "managedFields", "selfLink",
                                                    "deletionTimestamp", "deletionGracePeriodSeconds"};
        return owned.count(key) > 0;
    }
    return false;
}

void collect(const nlohmann::json& value, ManagedFields::Path& path, bool keyedLists, ManagedFields::FieldSet& out)
{
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, member] : value.items()) {
            if (serverOwned(path, key))
                continue;
            path.push_back("f:" + key);
            collect(member, path, keyedLists, out);
            path.pop_back();
        }
        return;
    }
    if (value.is_array() && keyedLists && !value.empty() && !path.empty()) {
        const std::string field = path.back().substr(2);
        const auto keys = ListMergeKeys::listMapKeys(field, value.front());
        const bool keyed = !keys.empty() && std::all_of(value.begin(), value.end(), [&](const nlohmann::json& element) {
            return !ListMergeKeys::elementKey(keys, element).is_null();
        });
        if (keyed) {
            for (const auto& element : value) {
                path.push_back("k:" + ListMergeKeys::elementKey(keys, element).dump());
                out.insert(path);
                collect(element, path, keyedLists, out);
                path.pop_back();
            }
            return;
        }
    }
    if (!path.empty())
        out.insert(path);
}

// The element of `list` whose key is the JSON after "k:".
nlohmann::json* keyedElement(nlohmann::json& list, const std::string& keyText)
{
    const nlohmann::json key = nlohmann::json::parse(keyText, nullptr, false);
    if (!list.is_array() || !key.is_object())
        return nullptr;
    std::vector<std::string> names;
    for (const auto& [name, unused] : key.items())
        names.push_back(name);
    for (auto& element : list) {
        if (ListMergeKeys::elementKey(names, element) == key)
            return &element;
    }
    return nullptr;
}

nlohmann::json* locate(nlohmann::json& object, const ManagedFields::Path& path, std::size_t length)
{
    nlohmann::json* node = &object;
    for (std::size_t i = 0; i < length; ++i) {
        const std::string& element = path[i];
        if (element.starts_with("f:")) {
            if (!node->is_object())
                return nullptr;
            const auto found = node->find(element.substr(2));
            if (found == node->end())
                return nullptr;
            node = &*found;
        } else if (element.starts_with("k:")) {
            node = keyedElement(*node, element.substr(2));
            if (!node)
                return nullptr;
        } else {
            return nullptr;
        }
    }
    return node;
}

} // namespace

std::vector<ManagedFields::Entry> ManagedFields::read(const nlohmann::json& object)
{
    std::vector<Entry> entries;
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return entries;
    const auto managed = metadata->find("managedFields");
    if (managed == metadata->end() || !managed->is_array())
        return entries;
    for (const auto& item : *managed) {
        if (!item.is_object() || !item.value("manager", nlohmann::json()).is_string()
            || !item.value("fieldsV1", nlohmann::json()).is_object())
            continue;
        const auto text = [&item](const char* key) {
            const auto found = item.find(key);
            return found != item.end() && found->is_string() ? found->get<std::string>() : std::string();
        };
        const std::string operation = text("operation");
        entries.push_back({text("manager"), operation == "Apply" ? "Apply" : "Update", text("apiVersion"), text("time"),
                           fromFieldsV1(item["fieldsV1"])});
    }
    return entries;
}

void ManagedFields::write(nlohmann::json& object, const std::vector<Entry>& entries)
{
    nlohmann::json managed = nlohmann::json::array();
    for (const auto& entry : entries) {
        if (entry.fields.empty())
            continue;
        managed.push_back({{"manager", entry.manager},
                           {"operation", entry.operation},
                           {"apiVersion", entry.apiVersion},
                           {"time", entry.time},
                           {"fieldsType", "FieldsV1"},
                           {"fieldsV1", toFieldsV1(entry.fields)}});
    }
    auto& metadata = object["metadata"];
    if (managed.empty())
        metadata.erase("managedFields");
    else
        metadata["managedFields"] = std::move(managed);
}

ManagedFields::FieldSet ManagedFields::fieldsOf(const nlohmann::json& object, bool keyedLists)
{
    FieldSet fields;
    Path path;
    if (object.is_object())
        collect(object, path, keyedLists, fields);
    return fields;
}

const nlohmann::json* ManagedFields::valueAt(const nlohmann::json& object, const Path& path)
{
    return locate(const_cast<nlohmann::json&>(object), path, path.size());
}

void ManagedFields::erase(nlohmann::json& object, const Path& path)
{
    if (path.empty())
        return;
    nlohmann::json* parent = locate(object, path, path.size() - 1);
    if (!parent)
        return;
    const std::string& last = path.back();
    if (last.starts_with("f:") && parent->is_object()) {
        parent->erase(last.substr(2));
    } else if (last.starts_with("k:") && parent->is_array()) {
        const nlohmann::json* element = keyedElement(*parent, last.substr(2));
        for (auto it = parent->begin(); it != parent->end(); ++it) {
            if (&*it == element) {
                parent->erase(it);
                break;
            }
        }
    }
}

std::string ManagedFields::pathText(const Path& path)
{
    std::string text;
    for (const auto& element : path) {
        if (element.starts_with("f:")) {
            text += '.' + element.substr(2);
            continue;
        }
        const nlohmann::json key = nlohmann::json::parse(element.substr(2), nullptr, false);
        std::string inside;
        if (key.is_object()) {
            for (const auto& [name, value] : key.items())
                inside += (inside.empty() ? "" : ",") + name + '=' + value.dump();
        }
        text += '[' + inside + ']';
    }
    return text;
}

nlohmann::json ManagedFields::toFieldsV1(const FieldSet& fields)
{
    nlohmann::json tree = nlohmann::json::object();
    for (const auto& path : fields) {
        nlohmann::json* node = &tree;
        for (const auto& element : path)
            node = &(*node)[element];
        if (!node->is_object())
            *node = nlohmann::json::object();
        // An element owned as a whole and through its fields: "." marks the element itself.
        if (!path.empty() && path.back().starts_with("k:"))
            (*node)["."] = nlohmann::json::object();
    }
    return tree;
}

ManagedFields::FieldSet ManagedFields::fromFieldsV1(const nlohmann::json& fieldsV1)
{
    FieldSet fields;
    Path path;
    const auto walk = [&](const auto& self, const nlohmann::json& node) -> void {
        if (!node.is_object())
            return;
        if (node.empty() || node.contains(".")) {
            if (!path.empty())
                fields.insert(path);
        }
        for (const auto& [key, child] : node.items()) {
            if (key == "." || !(key.starts_with("f:") || key.starts_with("k:")))
                continue;
            path.push_back(key);
            self(self, child);
            path.pop_back();
        }
    };
    walk(walk, fieldsV1);
    return fields;
}

void ManagedFields::recordUpdate(const nlohmann::json& before, nlohmann::json& after, const std::string& manager,
                                 const std::string& apiVersion, bool keyedLists)
{
    std::vector<Entry> entries = before.is_null() ? std::vector<Entry>() : read(before);
    const FieldSet now = fieldsOf(after, keyedLists);
    const FieldSet then = before.is_null() ? FieldSet() : fieldsOf(before, keyedLists);
    FieldSet changed;
    for (const auto& path : now) {
        const nlohmann::json* old = before.is_null() ? nullptr : valueAt(before, path);
        const nlohmann::json* current = valueAt(after, path);
        // Keyed elements are compared by their fields, not as a whole.
        const bool elementOnly = path.back().starts_with("k:");
        if (!old || (!elementOnly && current && *old != *current))
            changed.insert(path);
    }
    FieldSet removed;
    std::set_difference(then.begin(), then.end(), now.begin(), now.end(), std::inserter(removed, removed.end()));
    if (changed.empty() && removed.empty()) {
        write(after, entries);
        return;
    }
    Entry* mine = nullptr;
    for (auto& entry : entries) {
        if (entry.manager == manager && entry.operation == "Update" && entry.apiVersion == apiVersion) {
            mine = &entry;
            continue;
        }
        for (const auto& path : changed)
            entry.fields.erase(path);
        for (const auto& path : removed)
            entry.fields.erase(path);
    }
    if (!mine) {
        entries.push_back({manager, "Update", apiVersion, {}, {}});
        mine = &entries.back();
    }
    for (const auto& path : removed)
        mine->fields.erase(path);
    mine->fields.insert(changed.begin(), changed.end());
    mine->time = rfc3339(std::chrono::system_clock::now());
    write(after, entries);
}

std::string ManagedFields::managerOf(const std::string& fieldManager, const std::string& userAgent)
{
    if (!fieldManager.empty())
        return fieldManager;
    const std::string product = userAgent.substr(0, userAgent.find('/'));
    return product.empty() ? "unknown" : product;
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <set>
#include <string>
#include <vector>

namespace democluster {

// metadata.managedFields: which manager owns which fields of an object, in the FieldsV1 form
// kube-apiserver writes ({"f:spec":{"f:replicas":{}}}, keyed list elements as
// `k:{"name":"app"}` with a "." for the element itself). Plain writes (create, update, the merge,
// JSON and strategic patches) make their manager the owner of what they changed, taking it from
// everyone else; server-side apply (ServerSideApply) builds on the same sets.
class ManagedFields {
public:
    using Path = std::vector<std::string>; // "f:spec", "f:containers", "k:{\"name\":\"app\"}", "f:image"
    using FieldSet = std::set<Path>;

    struct Entry {
        std::string manager;
        std::string operation; // "Apply" or "Update"
        std::string apiVersion;
        std::string time;
        FieldSet fields;
    };

    // The entries of an object; malformed ones (a client can send anything) are left out.
    static std::vector<Entry> read(const nlohmann::json& object);
    // Stores the entries with a field in metadata.managedFields (removed when none has one).
    static void write(nlohmann::json& object, const std::vector<Entry>& entries);

    // The fields an object sets: its leaves, keyed list elements (with `keyedLists`, for built-in
    // kinds) and atomic lists as one field. Server-owned metadata and status are nobody's.
    static FieldSet fieldsOf(const nlohmann::json& object, bool keyedLists);
    // The value at a path, or nullptr.
    static const nlohmann::json* valueAt(const nlohmann::json& object, const Path& path);
    // Removes the value at a path, if any.
    static void erase(nlohmann::json& object, const Path& path);
    // How conflicts name a field: .spec.template.spec.containers[name="app"].image
    static std::string pathText(const Path& path);

    static nlohmann::json toFieldsV1(const FieldSet& fields);
    static FieldSet fromFieldsV1(const nlohmann::json& fieldsV1);

    // A write that is not an apply: `manager` becomes the owner of every field whose value it
    // changed (taking it from the others), fields it removed belong to nobody. `before` is null
    // for a create. Writes the result into `after`'s metadata.
    static void recordUpdate(const nlohmann::json& before, nlohmann::json& after, const std::string& manager,
                             const std::string& apiVersion, bool keyedLists);

    // The manager of a plain write: the fieldManager parameter, else the User-Agent's product
    // ("kubectl/v1.32.0 (linux/amd64) ..." -> "kubectl"), as kube-apiserver derives it.
    static std::string managerOf(const std::string& fieldManager, const std::string& userAgent);
};

} // namespace democluster

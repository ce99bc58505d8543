// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace democluster {

// Which lists of the built-in kinds are keyed maps rather than atomic values: the patchMergeKey of
// strategic merge patch and the listMapKeys of server-side apply, for the fields MeshDeck's kinds
// use (containers, ports, env, volumes, ...). Custom resources have none: Istio's and the Gateway
// API's schemas leave their lists atomic.
class ListMergeKeys {
public:
    // The key fields of list `field` whose first element is `sample`; empty when the list is atomic.
    // Server-side apply identifies an element by all of them (ports by number and protocol).
    static std::vector<std::string> listMapKeys(const std::string& field, const nlohmann::json& sample);
    // Strategic merge patch's single merge key, or empty when the list is replaced whole.
    static std::string patchMergeKey(const std::string& field, const nlohmann::json& sample);
    // Lists of scalars that strategic merge patch merges instead of replacing (finalizers).
    static bool mergesScalars(const std::string& field);
    // The key of one element: {"name":"app"} for a container, with TCP for a missing protocol as
    // the server defaults it. Null when the element lacks a key field.
    static nlohmann::json elementKey(const std::vector<std::string>& keys, const nlohmann::json& element);
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace democluster {

// application/strategic-merge-patch+json on built-in kinds: a JSON merge patch whose keyed lists
// (containers, ports, env, ... see ListMergeKeys) merge element by element instead of being
// replaced, with the directives kubectl sends: `$patch: delete|replace`, `$setElementOrder/FIELD`,
// `$deleteFromPrimitiveList/FIELD` and `$retainKeys`.
class StrategicMergePatch {
public:
    // Applies `patch` to `target`; a message for a malformed patch (target is then unspecified).
    static std::optional<std::string> apply(nlohmann::json& target, const nlohmann::json& patch);
};

} // namespace democluster

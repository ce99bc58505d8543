// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiStatus.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace democluster {

// application/apply-patch+yaml: merges a manager's applied configuration into the live object and
// records what the manager now owns (ManagedFields). A field another manager owns with a different
// value is a conflict (409, naming the fields and managers) unless forced, which moves the field
// to the applier. Fields the manager applied before and no longer does are removed when nobody
// else owns them.
class ServerSideApply {
public:
    struct Request {
        std::string manager;
        std::string apiVersion; // the version the client used, recorded in managedFields
        bool force = false;
        bool keyedLists = false; // built-in kinds merge keyed lists; custom resources replace them
    };

    // `live` is the current object, or null when the apply creates it. On success `result` holds
    // the object to store.
    static std::optional<ApiStatus> apply(const nlohmann::json& live,
                                          const nlohmann::json& configuration, const Request& request,
                                          nlohmann::json& result);
};

} // namespace democluster

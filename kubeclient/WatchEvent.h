// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>

namespace kube {

// One event of a watch stream. An ERROR event carries a Status as its object (410 "Expired" means
// the resourceVersion is too old: list again).
struct WatchEvent {
    std::string type; // ADDED, MODIFIED, DELETED, BOOKMARK or ERROR
    std::shared_ptr<const nlohmann::json> object;
};

} // namespace kube

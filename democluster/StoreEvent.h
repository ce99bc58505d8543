// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace democluster {

// One committed write, kept so a watch can replay what happened after a given resourceVersion.
struct StoreEvent {
    enum class Type { Added, Modified, Deleted };

    Type type;
    std::uint64_t resourceVersion;
    std::string groupResource; // which resource table the object belongs to
    std::shared_ptr<const nlohmann::json> object;
    // The object before a modification: a label-selected watch turns a MODIFIED that enters or
    // leaves the selection into ADDED or DELETED, as kube-apiserver's watch cache does.
    std::shared_ptr<const nlohmann::json> previous;
};

} // namespace democluster

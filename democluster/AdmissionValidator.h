// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiStatus.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace democluster {

struct ResourceType;

// Plays istiod's validating webhook (validation.istio.io): objects it would reject never reach the
// store, and the client sees istiod's wording. Rules are per kind; add a kind by adding a check.
class AdmissionValidator {
public:
    static constexpr const char* WebhookName = "validation.istio.io";

    // nullopt when the object is admitted.
    std::optional<ApiStatus> validate(const ResourceType& type, const nlohmann::json& object) const;

    // The individual findings for a VirtualService, in istiod's words.
    static std::vector<std::string> virtualServiceErrors(const nlohmann::json& object);

private:
    // istiod joins several findings the way its multierror formatter does.
    static std::string joinErrors(const std::vector<std::string>& errors);
};

} // namespace democluster

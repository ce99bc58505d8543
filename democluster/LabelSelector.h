// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace democluster {

// The labelSelector query parameter: "k=v,k2==v2,k3!=v3,k4,!k5,k6 in (a,b),k7 notin (c)".
class LabelSelector {
public:
    struct Requirement {
        enum class Op { Equals, NotEquals, Exists, NotExists, In, NotIn };
        std::string key;
        Op op;
        std::vector<std::string> values;
    };

    // nullopt with an explanation in `error` when the text does not parse.
    static std::optional<LabelSelector> parse(std::string_view text, std::string& error);
    // The selector of a Service or a Deployment's matchLabels: every pair must be present.
    static LabelSelector fromMatchLabels(const nlohmann::json& matchLabels);

    bool empty() const { return m_requirements.empty(); }
    // `labels` is metadata.labels (an object, or null when the object has none).
    bool matches(const nlohmann::json& labels) const;

private:
    std::vector<Requirement> m_requirements;
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace democluster {

// The fieldSelector query parameter, limited to the fields every resource supports:
// metadata.name and metadata.namespace with = / == / !=.
class FieldSelector {
public:
    static std::optional<FieldSelector> parse(std::string_view text, std::string& error);
    bool matches(const nlohmann::json& object) const;

private:
    struct Term {
        std::string field; // "name" or "namespace" inside metadata
        std::string value;
        bool negated;
    };
    std::vector<Term> m_terms;
};

} // namespace democluster

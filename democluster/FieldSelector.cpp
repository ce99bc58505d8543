// SPDX-License-Identifier: Apache-2.0
#include "FieldSelector.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace democluster {

std::optional<FieldSelector> FieldSelector::parse(std::string_view text, std::string& error)
{
    FieldSelector selector;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        const std::string_view term = text.substr(start, end - start);
        start = end + 1;
        if (term.empty())
            continue;
        std::size_t operatorAt = term.find("!=");
        bool negated = operatorAt != std::string_view::npos;
        std::size_t operatorLength = 2;
        if (!negated) {
            operatorAt = term.find("==");
            if (operatorAt == std::string_view::npos) {
                operatorAt = term.find('=');
                operatorLength = 1;
            }
        }
        if (operatorAt == std::string_view::npos) {
            error = "invalid selector: '" + std::string(term) + "'; can't understand '" + std::string(term) + "'";
            return std::nullopt;
        }
        const std::string_view field = term.substr(0, operatorAt);
        if (field != "metadata.name" && field != "metadata.namespace") {
            error = "field label not supported: " + std::string(field);
            return std::nullopt;
        }
        selector.m_terms.push_back({std::string(field.substr(9)), std::string(term.substr(operatorAt + operatorLength)),
                                    negated});
    }
    return selector;
}

bool FieldSelector::matches(const nlohmann::json& object) const
{
    const auto& metadata = object.at("metadata");
    return std::all_of(m_terms.begin(), m_terms.end(), [&metadata](const Term& term) {
        const std::string actual = metadata.value(term.field, std::string());
        return (actual == term.value) != term.negated;
    });
}

} // namespace democluster

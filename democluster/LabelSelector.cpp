// SPDX-License-Identifier: Apache-2.0
#include "LabelSelector.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace democluster {

namespace {

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return text;
}

// Splits on commas that are not inside a "(...)" value set.
std::vector<std::string_view> splitTopLevel(std::string_view text)
{
    std::vector<std::string_view> parts;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || (text[i] == ',' && depth == 0)) {
            parts.push_back(trimmed(text.substr(start, i - start)));
            start = i + 1;
        } else if (text[i] == '(') {
            ++depth;
        } else if (text[i] == ')') {
            --depth;
        }
    }
    return parts;
}

bool validKey(std::string_view key)
{
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
    });
}

std::optional<std::vector<std::string>> parseValueSet(std::string_view text)
{
    text = trimmed(text);
    if (text.size() < 2 || text.front() != '(' || text.back() != ')')
        return std::nullopt;
    std::vector<std::string> values;
    for (auto value : splitTopLevel(text.substr(1, text.size() - 2)))
        values.emplace_back(value);
    return values;
}

} // namespace

std::optional<LabelSelector> LabelSelector::parse(std::string_view text, std::string& error)
{
    LabelSelector selector;
    if (trimmed(text).empty())
        return selector;
    for (auto part : splitTopLevel(text)) {
        Requirement requirement;
        std::size_t position = 0;
        if (part.starts_with('!')) {
            requirement = {std::string(trimmed(part.substr(1))), Requirement::Op::NotExists, {}};
        } else if ((position = part.find("!=")) != std::string_view::npos) {
            requirement = {std::string(trimmed(part.substr(0, position))), Requirement::Op::NotEquals,
                           {std::string(trimmed(part.substr(position + 2)))}};
        } else if ((position = part.find("==")) != std::string_view::npos) {
            requirement = {std::string(trimmed(part.substr(0, position))), Requirement::Op::Equals,
                           {std::string(trimmed(part.substr(position + 2)))}};
        } else if ((position = part.find('=')) != std::string_view::npos) {
            requirement = {std::string(trimmed(part.substr(0, position))), Requirement::Op::Equals,
                           {std::string(trimmed(part.substr(position + 1)))}};
        } else if ((position = part.find(" notin ")) != std::string_view::npos
                   || (position = part.find(" in ")) != std::string_view::npos) {
            const bool notIn = part.substr(position, 7) == " notin ";
            auto values = parseValueSet(part.substr(position + (notIn ? 7 : 4)));
            if (!values) {
                error = "unable to parse requirement: found '" + std::string(part) + "', expected: '(' values ')'";
                return std::nullopt;
            }
            requirement = {std::string(trimmed(part.substr(0, position))),
                           notIn ? Requirement::Op::NotIn : Requirement::Op::In, std::move(*values)};
        } else {
            requirement = {std::string(part), Requirement::Op::Exists, {}};
        }
        if (!validKey(requirement.key)) {
            error = "unable to parse requirement: invalid label key \"" + requirement.key + '"';
            return std::nullopt;
        }
        selector.m_requirements.push_back(std::move(requirement));
    }
    return selector;
}

LabelSelector LabelSelector::fromMatchLabels(const nlohmann::json& matchLabels)
{
    LabelSelector selector;
    if (!matchLabels.is_object())
        return selector;
    for (const auto& [key, value] : matchLabels.items()) {
        if (value.is_string())
            selector.m_requirements.push_back({key, Requirement::Op::Equals, {value.get<std::string>()}});
    }
    return selector;
}

bool LabelSelector::matches(const nlohmann::json& labels) const
{
    return std::all_of(m_requirements.begin(), m_requirements.end(), [&labels](const Requirement& requirement) {
        const bool present = labels.is_object() && labels.contains(requirement.key)
                             && labels[requirement.key].is_string();
        const std::string value = present ? labels[requirement.key].get<std::string>() : std::string();
        const auto& values = requirement.values;
        const bool listed = std::find(values.begin(), values.end(), value) != values.end();
        switch (requirement.op) {
        case Requirement::Op::Equals:
        case Requirement::Op::In:
            return present && listed;
        case Requirement::Op::NotEquals:
        case Requirement::Op::NotIn:
            return !present || !listed;
        case Requirement::Op::Exists:
            return present;
        case Requirement::Op::NotExists:
            return !present;
        }
        return false;
    });
}

} // namespace democluster

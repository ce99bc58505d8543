// SPDX-License-Identifier: Apache-2.0
#include "YamlJsonConverter.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace kube {

namespace {

nlohmann::json plainScalar(const std::string& text)
{
    static const std::regex integer(R"([-+]?[0-9]+)");
    static const std::regex hexadecimal(R"(0x[0-9a-fA-F]+)");
    static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    try {
        if (std::regex_match(text, integer))
            return std::stoll(text);
        if (std::regex_match(text, hexadecimal))
            return std::stoll(text, nullptr, 16);
        if (std::regex_match(text, floating))
            return std::stod(text);
    } catch (const std::out_of_range&) {
        // Too large for a number: keep the text rather than lose digits.
    }
    // ".inf" and ".nan" stay text too: JSON has no infinities or NaN.
    return text;
}

} // namespace

nlohmann::json YamlJsonConverter::toJson(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return nullptr;
    case YAML::NodeType::Scalar:
        // yaml-cpp tags plain scalars "?" and quoted ones "!".
        return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : plainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& item : node)
            array.push_back(toJson(item));
        return array;
    }
    case YAML::NodeType::Map: {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& entry : node)
            object[entry.first.as<std::string>()] = toJson(entry.second);
        return object;
    }
    }
    return nullptr;
}

std::vector<nlohmann::json> YamlJsonConverter::loadAll(const std::filesystem::path& file)
{
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error("cannot read " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    return loadAllFromString(text.str(), file.string());
}

std::vector<nlohmann::json> YamlJsonConverter::loadAllFromString(const std::string& text, const std::string& origin)
{
    std::vector<nlohmann::json> documents;
    try {
        for (const auto& node : YAML::LoadAll(text)) {
            if (node.IsNull())
                continue;
            documents.push_back(toJson(node));
        }
    } catch (const YAML::Exception& error) {
        throw std::runtime_error(origin + ':' + std::to_string(error.mark.line + 1) + ": " + error.msg);
    }
    return documents;
}

} // namespace kube

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace kube {

// YAML manifests to the JSON the API serves. Plain scalars are typed like YAML 1.2's core schema
// (ints, floats, true/false, null); quoted scalars always stay strings, so "9080" is a string and
// 9080 a number, as kubectl would send them.
class YamlJsonConverter {
public:
    static nlohmann::json toJson(const YAML::Node& node);
    // Every non-empty document of a multi-document file. Throws std::runtime_error naming the file
    // and line on a syntax error.
    static std::vector<nlohmann::json> loadAll(const std::filesystem::path& file);
    static std::vector<nlohmann::json> loadAllFromString(const std::string& text, const std::string& origin);
};

} // namespace kube

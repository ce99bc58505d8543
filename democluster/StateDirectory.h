// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace democluster {

// --state-dir: the store's objects on disk, one JSON file per object
// (objects/RESOURCE/NAMESPACE/NAME.json) plus the store's resourceVersion, each written to a
// temporary file and renamed over the old one, so a crash leaves either the old or the new
// version and never half a file. Not thread-safe: ObjectStore calls it under its lock.
class StateDirectory {
public:
    struct StoredObject {
        std::string groupResource;
        nlohmann::json object;
    };
    struct Contents {
        std::vector<StoredObject> objects;
        std::uint64_t resourceVersion = 0; // the highest version ever handed out
    };

    // Creates the directory when missing; throws std::runtime_error when it cannot be used.
    explicit StateDirectory(std::filesystem::path directory);

    // Everything saved before. Unreadable files are reported on stderr and skipped.
    Contents load() const;
    void save(const std::string& groupResource, const nlohmann::json& object, std::uint64_t resourceVersion);
    void remove(const std::string& groupResource, const std::string& namespaceName, const std::string& name,
                std::uint64_t resourceVersion);

private:
    std::filesystem::path fileOf(const std::string& groupResource, const std::string& namespaceName,
                                 const std::string& name) const;
    void saveResourceVersion(std::uint64_t resourceVersion);

    std::filesystem::path m_directory;
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "StateDirectory.h"

#include "Log.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace democluster {

namespace {

// A path segment that cannot climb out or collide: names are DNS labels in practice, but a client
// may send anything, so whatever is not [a-z0-9-] (and a leading '.') is %-escaped.
std::string segment(const std::string& text)
{
    if (text.empty())
        return "_";
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (c == '.' && i > 0);
        if (plain) {
            out += static_cast<char>(c);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            out += escaped;
        }
    }
    return out;
}

void writeAtomically(const std::filesystem::path& file, const std::string& content)
{
    std::filesystem::create_directories(file.parent_path());
    const std::filesystem::path temporary = file.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
            throw std::runtime_error("cannot write " + temporary.string());
    }
    std::filesystem::rename(temporary, file);
}

} // namespace

StateDirectory::StateDirectory(std::filesystem::path directory)
    : m_directory(std::move(directory))
{
    std::error_code error;
    std::filesystem::create_directories(m_directory / "objects", error);
    if (error || !std::filesystem::is_directory(m_directory / "objects"))
        throw std::runtime_error("cannot use --state-dir " + m_directory.string() + ": "
                                 + (error ? error.message() : std::string("not a directory")));
}

StateDirectory::Contents StateDirectory::load() const
{
    Contents contents;
    std::ifstream versionFile(m_directory / "resourceVersion");
    versionFile >> contents.resourceVersion;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(m_directory / "objects")) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const nlohmann::json stored = nlohmann::json::parse(in, nullptr, false);
        if (!stored.is_object() || !stored.value("resource", nlohmann::json()).is_string()
            || !stored.value("object", nlohmann::json()).is_object()) {
            logInfo("--state-dir: skipped " + entry.path().string() + ": not a saved object");
            continue;
        }
        contents.objects.push_back({stored["resource"].get<std::string>(), stored["object"]});
    }
    return contents;
}

void StateDirectory::save(const std::string& groupResource, const nlohmann::json& object, std::uint64_t resourceVersion)
{
    const auto& metadata = object.at("metadata");
    const nlohmann::json stored = {{"resource", groupResource}, {"object", object}};
    writeAtomically(fileOf(groupResource, metadata.value("namespace", ""), metadata.value("name", "")), stored.dump());
    saveResourceVersion(resourceVersion);
}

void StateDirectory::remove(const std::string& groupResource, const std::string& namespaceName, const std::string& name,
                            std::uint64_t resourceVersion)
{
    std::error_code ignored;
    std::filesystem::remove(fileOf(groupResource, namespaceName, name), ignored);
    saveResourceVersion(resourceVersion);
}

std::filesystem::path StateDirectory::fileOf(const std::string& groupResource, const std::string& namespaceName,
                                             const std::string& name) const
{
    return m_directory / "objects" / segment(groupResource) / segment(namespaceName) / (segment(name) + ".json");
}

void StateDirectory::saveResourceVersion(std::uint64_t resourceVersion)
{
    writeAtomically(m_directory / "resourceVersion", std::to_string(resourceVersion) + '\n');
}

} // namespace democluster

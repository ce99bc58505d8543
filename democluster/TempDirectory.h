// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>

namespace democluster {

// A private directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDirectory {
public:
    // Throws std::runtime_error when the directory cannot be made.
    explicit TempDirectory(const char* prefix);
    ~TempDirectory();
    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace democluster

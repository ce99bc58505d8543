// SPDX-License-Identifier: Apache-2.0
#include "Log.h"

#include <cstdio>
#include <mutex>
#include <string>

namespace democluster {

void logInfo(std::string_view message)
{
    static std::mutex mutex;
    const std::string line = "meshdeck-democluster: " + std::string(message) + '\n';
    std::lock_guard lock(mutex);
    std::fputs(line.c_str(), stderr);
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "TimeFormat.h"

#include <ctime>

namespace democluster {

std::string rfc3339(std::chrono::system_clock::time_point time)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string& text)
{
    std::tm utc{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
    if (!end)
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&utc));
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "LogStream.h"

#include "PodLogs.h"

#include <cstdio>
#include <ctime>

namespace democluster {

LogStream::LogStream(const PodLogs& logs, std::string pod, std::string container, std::uint64_t from, Options options)
    : m_logs(logs)
    , m_pod(std::move(pod))
    , m_container(std::move(container))
    , m_cursor(from)
    , m_options(options)
{
}

bool LogStream::next(std::string& out, std::chrono::milliseconds wait)
{
    if (m_finished)
        return false;
    const PodLogs::Chunk chunk = m_logs.read(m_pod, m_container, m_cursor, wait);
    m_cursor = chunk.next;
    for (const auto& line : chunk.lines) {
        std::string text = format(line.text, line.time, m_options.timestamps);
        if (m_options.limitBytes && m_sent + text.size() > *m_options.limitBytes) {
            text.resize(*m_options.limitBytes - m_sent);
            m_finished = true;
        }
        m_sent += text.size();
        out += text;
        if (m_finished)
            return false;
    }
    m_finished = chunk.finished;
    return !m_finished;
}

std::string LogStream::format(const std::string& text, std::chrono::system_clock::time_point time, bool timestamps)
{
    if (!timestamps)
        return text + '\n';
    const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(time);
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(time - seconds).count();
    const std::time_t whole = std::chrono::system_clock::to_time_t(seconds);
    std::tm utc{};
    gmtime_r(&whole, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(nanos));
    return buffer + text + '\n';
}

} // namespace democluster

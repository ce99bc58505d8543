// SPDX-License-Identifier: Apache-2.0
#include "PodLogs.h"

#include <algorithm>

namespace democluster {

void PodLogs::append(const std::string& pod, const std::string& container, std::string text)
{
    {
        std::lock_guard lock(m_mutex);
        Log& log = m_logs[{pod, container}];
        log.lines.push_back({std::chrono::system_clock::now(), std::move(text)});
        if (log.lines.size() > MaxLinesPerContainer) {
            log.lines.pop_front();
            ++log.first;
        }
    }
    m_changed.notify_all();
}

void PodLogs::finish(const std::string& pod, const std::string& container)
{
    {
        std::lock_guard lock(m_mutex);
        m_logs[{pod, container}].finished = true;
    }
    m_changed.notify_all();
}

void PodLogs::forget(const std::string& pod)
{
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_logs, [&](const auto& entry) { return entry.first.first == pod; });
    }
    m_changed.notify_all();
}

PodLogs::Chunk PodLogs::read(const std::string& pod, const std::string& container, std::uint64_t from,
                             std::chrono::milliseconds wait) const
{
    const Key key{pod, container};
    std::unique_lock lock(m_mutex);
    const auto ready = [&] {
        const auto found = m_logs.find(key);
        return found == m_logs.end() || found->second.finished
               || found->second.first + found->second.lines.size() > from;
    };
    m_changed.wait_for(lock, wait, ready);
    Chunk chunk;
    const auto found = m_logs.find(key);
    if (found == m_logs.end()) {
        chunk.finished = true;
        chunk.next = from;
        return chunk;
    }
    const Log& log = found->second;
    const std::uint64_t start = std::max(from, log.first);
    for (std::uint64_t position = start; position < log.first + log.lines.size(); ++position)
        chunk.lines.push_back(log.lines[position - log.first]);
    chunk.next = log.first + log.lines.size();
    chunk.finished = log.finished;
    return chunk;
}

std::uint64_t PodLogs::tailStart(const std::string& pod, const std::string& container, std::uint64_t lines) const
{
    std::lock_guard lock(m_mutex);
    const auto found = m_logs.find({pod, container});
    if (found == m_logs.end())
        return 0;
    const std::uint64_t end = found->second.first + found->second.lines.size();
    return end > lines ? end - lines : 0;
}

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "EventHistory.h"

#include <algorithm>

namespace democluster {

EventHistory::EventHistory(std::size_t limit)
    : m_limit(std::max<std::size_t>(limit, 1))
{
}

void EventHistory::append(StoreEvent event)
{
    m_events.push_back(std::move(event));
    if (m_events.size() > m_limit) {
        // Everything up to the dropped event's version is still known; before it is not.
        m_oldestResumable = m_events.front().resourceVersion;
        m_events.pop_front();
    }
}

void EventHistory::startAfter(std::uint64_t resourceVersion)
{
    m_events.clear();
    m_oldestResumable = resourceVersion;
}

std::optional<std::vector<StoreEvent>> EventHistory::since(std::uint64_t resourceVersion) const
{
    if (resourceVersion < m_oldestResumable)
        return std::nullopt;
    // Versions only grow, so the first newer event is found by bisection: a watcher woken by
    // every write of a busy cluster must not rescan the whole window each time.
    const auto first = std::upper_bound(m_events.begin(), m_events.end(), resourceVersion,
                                        [](std::uint64_t version, const StoreEvent& event) {
                                            return version < event.resourceVersion;
                                        });
    return std::vector<StoreEvent>(first, m_events.end());
}

} // namespace democluster

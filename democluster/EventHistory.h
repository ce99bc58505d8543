// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "StoreEvent.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace democluster {

// The window of recent writes a watch can resume from, like kube-apiserver's watch cache: a
// bounded queue in resourceVersion order. A watch from before the window must relist (410 Expired).
// Not thread-safe: ObjectStore guards it with its own lock.
class EventHistory {
public:
    explicit EventHistory(std::size_t limit);

    // Events must arrive in increasing resourceVersion order.
    void append(StoreEvent event);
    // The events after `resourceVersion`, oldest first; nullopt when some of them were dropped.
    std::optional<std::vector<StoreEvent>> since(std::uint64_t resourceVersion) const;
    // Forgets everything and resumes only from `resourceVersion` on: after loading saved state,
    // whose history is gone.
    void startAfter(std::uint64_t resourceVersion);
    // The oldest resourceVersion a watch may still start from.
    std::uint64_t oldestResumable() const { return m_oldestResumable; }

private:
    std::size_t m_limit;
    std::deque<StoreEvent> m_events;
    std::uint64_t m_oldestResumable = 0;
};

} // namespace democluster

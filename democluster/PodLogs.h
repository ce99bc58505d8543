// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace democluster {

// What the containers of the simulated pods print: the kubelet's side of `kubectl logs`. The
// controllers that run pods write here; GET pods/NAME/log reads, and a follow waits for more until
// the container has terminated. Bounded per container, like a rotated container log.
class PodLogs {
public:
    static constexpr std::size_t MaxLinesPerContainer = 5000;

    struct Line {
        std::chrono::system_clock::time_point time;
        std::string text;
    };
    struct Chunk {
        std::vector<Line> lines;
        std::uint64_t next = 0; // where the next read continues
        bool finished = false;  // the container terminated (or the pod is gone) and all was read
    };

    // `pod` is "namespace/name".
    void append(const std::string& pod, const std::string& container, std::string text);
    // The container terminated: followers end once they have read everything.
    void finish(const std::string& pod, const std::string& container);
    // The pod is gone: its logs go too, and follows of them end.
    void forget(const std::string& pod);

    // Lines from position `from` on (0: the oldest kept), waiting up to `wait` when there are none.
    Chunk read(const std::string& pod, const std::string& container, std::uint64_t from,
               std::chrono::milliseconds wait = std::chrono::milliseconds(0)) const;
    // The position `lines` lines before the end: where `tailLines` starts.
    std::uint64_t tailStart(const std::string& pod, const std::string& container, std::uint64_t lines) const;

private:
    struct Log {
        std::deque<Line> lines;
        std::uint64_t first = 0; // the position of lines.front()
        bool finished = false;
    };
    using Key = std::pair<std::string, std::string>;

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::map<Key, Log> m_logs;
};

} // namespace democluster

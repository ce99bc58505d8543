// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <mutex>

namespace kube {

// client-go's client-side rate limit (a token bucket of qps tokens a second holding up to burst),
// made non-blocking: reserve() takes a token now, possibly one that only exists in the future,
// and says how long the request must wait for it (golang.org/x/time/rate's Reserve). Requests that
// find the bucket empty thus queue in the order they asked. Thread-safe.
class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;

    // qps <= 0 turns the limit off.
    TokenBucket(double qps, int burst);

    std::chrono::milliseconds reserve(Clock::time_point now = Clock::now());

private:
    std::mutex m_mutex;
    const double m_qps;
    const double m_burst;
    double m_tokens;            // negative: that many requests already wait for future tokens
    Clock::time_point m_last{}; // when m_tokens was last brought up to date
    bool m_started = false;
};

} // namespace kube

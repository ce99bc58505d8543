// SPDX-License-Identifier: Apache-2.0
#include "TokenBucket.h"

#include <algorithm>
#include <cmath>

namespace kube {

TokenBucket::TokenBucket(double qps, int burst)
    : m_qps(qps)
    , m_burst(std::max(1, burst))
    , m_tokens(m_burst)
{
}

std::chrono::milliseconds TokenBucket::reserve(Clock::time_point now)
{
    if (m_qps <= 0)
        return std::chrono::milliseconds(0);
    std::lock_guard lock(m_mutex);
    if (m_started && now > m_last) {
        const double elapsed = std::chrono::duration<double>(now - m_last).count();
        m_tokens = std::min(m_burst, m_tokens + elapsed * m_qps);
    }
    if (!m_started || now > m_last)
        m_last = now;
    m_started = true;
    m_tokens -= 1;
    if (m_tokens >= 0)
        return std::chrono::milliseconds(0);
    // Rounded up: starting a little late keeps the average rate at or under qps.
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(-m_tokens / m_qps * 1000.0)));
}

} // namespace kube

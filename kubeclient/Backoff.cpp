// SPDX-License-Identifier: Apache-2.0
#include "Backoff.h"

#include <algorithm>
#include <random>

namespace kube {

Backoff::Backoff(Settings settings, std::function<double()> random)
    : m_settings(settings)
    , m_random(std::move(random))
    , m_base(settings.initial)
{
    if (!m_random) {
        m_random = [engine = std::mt19937_64(std::random_device{}()), distribution = std::uniform_real_distribution<double>(0.0, 1.0)]() mutable {
            return distribution(engine);
        };
    }
}

std::chrono::milliseconds Backoff::next(Clock::time_point now)
{
    if (m_waited && now - m_lastWait > m_settings.resetAfter)
        m_base = m_settings.initial;
    m_waited = true;
    m_lastWait = now;

    const auto base = m_base;
    m_base = std::min(m_settings.cap, std::chrono::milliseconds(static_cast<long long>(double(m_base.count()) * m_settings.factor)));
    const double stretch = m_settings.jitter > 0 ? std::clamp(m_random(), 0.0, 1.0) * m_settings.jitter : 0.0;
    return base + std::chrono::milliseconds(static_cast<long long>(double(base.count()) * stretch));
}

void Backoff::reset()
{
    m_base = m_settings.initial;
    m_waited = false;
}

} // namespace kube

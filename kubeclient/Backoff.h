// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <functional>

namespace kube {

// Backoff's parameters; the defaults are client-go's reflector's.
struct BackoffSettings {
    std::chrono::milliseconds initial{800};
    std::chrono::milliseconds cap{30000};
    std::chrono::milliseconds resetAfter{120000};
    double factor = 2.0;
    double jitter = 1.0; // each wait is base + random[0,1) * jitter * base
};

// The reconnect schedule of client-go's reflector (wait.NewExponentialBackoffManager(800ms, 30s,
// 2min, 2.0, 1.0)): 800 ms doubling up to a 30 s cap, each wait stretched by a random fraction of
// itself (jitter 1.0, so the cap means waits in [30 s, 60 s)), and back to 800 ms when no wait was
// asked for 2 minutes, i.e. after 2 minutes of health. The clock and the random source are
// parameters so a test can check the schedule exactly.
class Backoff {
public:
    using Clock = std::chrono::steady_clock;
    using Settings = BackoffSettings;

    // random returns a number in [0, 1); the default is a per-instance Mersenne Twister.
    explicit Backoff(Settings settings = {}, std::function<double()> random = {});

    // The wait before the next attempt.
    std::chrono::milliseconds next(Clock::time_point now = Clock::now());
    void reset();

    const Settings& settings() const { return m_settings; }

private:
    Settings m_settings;
    std::function<double()> m_random;
    std::chrono::milliseconds m_base;
    Clock::time_point m_lastWait{};
    bool m_waited = false;
};

} // namespace kube

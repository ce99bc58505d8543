// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>

namespace democluster {

// How watches share the server. Each open watch holds one of the listener's threads for its
// whole life, so their number is bounded and the thread pool is sized above that bound.
struct WatchLimits {
    int maxWatches = 200;
    // Threads left for ordinary requests when every watch slot is taken.
    int spareThreads = 24;
    // kube-apiserver sends bookmarks about once a minute to watchers that asked for them.
    std::chrono::milliseconds bookmarkInterval{60000};
    std::chrono::milliseconds heartbeatInterval{5000};
    // Without timeoutSeconds kube-apiserver picks 30 to 60 minutes; a fixed 30 is as good here.
    std::chrono::seconds defaultTimeout{1800};
};

} // namespace democluster

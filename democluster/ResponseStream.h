// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

namespace democluster {

// A response body that is produced while it is sent (a watch, a followed log). Socket-free: the
// listener pulls from next() and writes what it gets as chunks; tests pull directly.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;

    // Appends what is ready to `out`, waiting up to `wait` for something. false: the stream is over
    // (whatever was appended in this call is still to be sent).
    virtual bool next(std::string& out, std::chrono::milliseconds wait) = 0;
};

} // namespace democluster

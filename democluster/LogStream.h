// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ResponseStream.h"

#include <cstdint>
#include <optional>
#include <string>

namespace democluster {

class PodLogs;

// `kubectl logs -f`: a container's lines as they are written, until the container terminates or
// its pod is deleted.
class LogStream : public ResponseStream {
public:
    struct Options {
        bool timestamps = false;
        std::optional<std::uint64_t> limitBytes;
    };

    LogStream(const PodLogs& logs, std::string pod, std::string container, std::uint64_t from, Options options);

    bool next(std::string& out, std::chrono::milliseconds wait) override;

    // One line as the kubelet prints it: "TEXT\n", or "RFC3339NANO TEXT\n" with timestamps.
    static std::string format(const std::string& text, std::chrono::system_clock::time_point time, bool timestamps);

private:
    const PodLogs& m_logs;
    std::string m_pod;
    std::string m_container;
    std::uint64_t m_cursor;
    Options m_options;
    std::uint64_t m_sent = 0;
    bool m_finished = false;
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "WatchEvent.h"

#include <functional>
#include <string>
#include <string_view>

namespace kube {

// Turns the bytes of a watch response into events as they arrive. The stream is a sequence of JSON
// objects; a read may end anywhere inside one, hold several, or be a small part of a large one. The
// decoder finds where each object ends by tracking nesting and strings (never by newlines, which
// the API server does not promise and JSON strings may contain), scanning every byte once.
class WatchStreamDecoder {
public:
    using EventHandler = std::function<void(WatchEvent)>;

    // Calls onEvent for each event completed by `bytes`. Returns false once the stream is not a
    // sequence of watch events; error() says why and further input is ignored.
    bool feed(std::string_view bytes, const EventHandler& onEvent);

    const std::string& error() const { return m_error; }
    // True when no event is partly received: the stream may end here cleanly.
    bool atBoundary() const { return m_error.empty() && m_depth == 0 && m_buffer.empty(); }

private:
    bool emit(const EventHandler& onEvent);

    std::string m_buffer; // the current object so far
    int m_depth = 0;
    bool m_inString = false;
    bool m_escaped = false;
    std::string m_error;
};

} // namespace kube

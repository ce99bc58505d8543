// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "FieldSelector.h"
#include "LabelSelector.h"
#include "ResponseStream.h"
#include "StoreEvent.h"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace democluster {

class ObjectStore;
struct ResourceType;

// One open watch: the events of one resource type after a resourceVersion, filtered like the
// list it continues, as newline-terminated JSON `{"type","object"}` values.
class WatchStream : public ResponseStream {
public:
    // Turns a stored object into what the client asked to receive (the object, or a Table row).
    using Encoder = std::function<nlohmann::json(const nlohmann::json& object)>;

    struct Options {
        std::string namespaceName; // empty: every namespace
        LabelSelector labels;
        FieldSelector fields;
        bool bookmarks = false;
        std::chrono::milliseconds bookmarkInterval{60000};
        // A newline after this much silence: the only way to notice a client that went away is
        // a failing write, and a forgotten watch would hold a server thread until its timeout.
        std::chrono::milliseconds heartbeatInterval{5000};
        std::chrono::steady_clock::time_point deadline;
    };

    // `initial` objects (already filtered) go first as ADDED events: what a watch without a
    // resourceVersion, or with "0", starts with. `slot` is released when the stream is destroyed.
    WatchStream(const ObjectStore& store, const ResourceType& type, Options options, std::uint64_t from,
                std::vector<nlohmann::json> initial, Encoder encoder, std::shared_ptr<std::atomic<int>> slot);
    ~WatchStream() override;
    WatchStream(const WatchStream&) = delete;
    WatchStream& operator=(const WatchStream&) = delete;

    // Appends the next events to `out`, waiting up to `wait` for one. false: the stream is over
    // (timeout reached, or an ERROR event was the last thing appended).
    bool next(std::string& out, std::chrono::milliseconds wait) override;

private:
    bool selected(const nlohmann::json& object) const;
    void appendEvent(std::string& out, const char* type, const nlohmann::json& object);
    void appendChange(std::string& out, const StoreEvent& event);

    const ObjectStore& m_store;
    const ResourceType& m_type;
    Options m_options;
    std::uint64_t m_cursor;
    std::vector<nlohmann::json> m_initial;
    Encoder m_encoder;
    std::shared_ptr<std::atomic<int>> m_slot;
    std::chrono::steady_clock::time_point m_lastWrite;
    std::chrono::steady_clock::time_point m_lastBookmark;
    bool m_finished = false;
};

} // namespace democluster

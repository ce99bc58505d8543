// SPDX-License-Identifier: Apache-2.0
// The watch-stream decoder on arbitrary bytes, fed whole and in chunks whose sizes come from the
// input: both must decode the same events and reach the same verdict, since a stream may be cut
// anywhere by the network.
#include "kubeclient/WatchStreamDecoder.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Decoded {
    std::vector<std::string> events; // type and object, serialised
    bool ok = true;
    bool atBoundary = true;
};

Decoded decode(std::string_view stream, std::string_view chunkSizes)
{
    Decoded out;
    kube::WatchStreamDecoder decoder;
    const auto record = [&out](kube::WatchEvent event) { out.events.push_back(event.type + " " + event.object->dump()); };
    std::size_t chunk = 0;
    while (!stream.empty() && out.ok) {
        // Chunks of 1 to 64 bytes, then whatever is left.
        const std::size_t size = chunk < chunkSizes.size() ? std::size_t(std::uint8_t(chunkSizes[chunk++]) % 64 + 1)
                                                            : stream.size();
        const auto piece = stream.substr(0, size);
        stream.remove_prefix(piece.size());
        out.ok = decoder.feed(piece, record);
    }
    out.atBoundary = decoder.atBoundary();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // The first 16 bytes choose the chunk sizes; the rest is the stream.
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string_view sizes = input.substr(0, 16);
    const std::string_view stream = input.substr(sizes.size());
    const Decoded whole = decode(stream, {});
    const Decoded chunked = decode(stream, sizes);
    if (whole.events != chunked.events || whole.ok != chunked.ok || whole.atBoundary != chunked.atBoundary)
        std::abort();
    return 0;
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace democluster {

// Identifiers that only need to be unique, not secret (uids, pod name suffixes). Secrets such as
// bearer tokens come from OpenSSL's RAND_bytes instead.
class RandomNames {
public:
    RandomNames();
    explicit RandomNames(std::uint64_t seed);

    // A version-4 UUID, the form Kubernetes uses for metadata.uid.
    std::string uuid();
    // Characters from the alphabet Kubernetes uses for generated names (no vowels, no look-alikes).
    std::string suffix(std::size_t length);

private:
    std::mutex m_mutex;
    std::mt19937_64 m_engine;
};

} // namespace democluster

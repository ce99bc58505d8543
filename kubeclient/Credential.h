// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kube {

// What a request authenticates with: a bearer token, a client certificate, or both. Secret: never
// log or persist it.
struct Credential {
    std::string token;
    std::string clientCertPem; // set together with clientKeyPem
    std::string clientKeyPem;
    // Unset: valid until the server rejects it.
    std::optional<std::chrono::system_clock::time_point> expiry;

    bool expired(std::chrono::system_clock::time_point now) const { return expiry && now >= *expiry; }
};

} // namespace kube

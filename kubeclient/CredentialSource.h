// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Credential.h"

#include <functional>
#include <memory>
#include <string>

namespace kube {

struct CredentialResult {
    std::shared_ptr<const Credential> credential; // set on success
    std::string error;                            // for the operator: what failed and how to fix it
};

// Where a connection's credential comes from when it can change while MeshDeck runs (exec plugins
// hand out short-lived tokens, token files rotate). The transport asks for every request, so the
// source decides when to reuse and when to renew. Thread-safe.
class CredentialSource {
public:
    using Callback = std::function<void(CredentialResult)>;

    virtual ~CredentialSource() = default;

    // Calls done with a credential: on the calling thread when a cached one is still valid,
    // otherwise later from another thread. Never blocks on a process or the disk of the caller.
    virtual void fetch(Callback done) = 0;
    // The server answered 401 to `rejected`. The next fetch gets a fresh credential, unless
    // `rejected` has already been replaced (several requests failing together renew it once).
    virtual void invalidate(const std::shared_ptr<const Credential>& rejected) = 0;
};

} // namespace kube

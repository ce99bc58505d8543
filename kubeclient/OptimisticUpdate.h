// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiError.h"
#include "HttpTransport.h"
#include "InformerCache.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>

namespace kube {

class KubeClient;

// What the caller's edit decided after seeing the current object.
struct EditVerdict {
    enum class Kind { Apply, NoLongerApplies };
    Kind kind = Kind::Apply;
    std::string reason; // NoLongerApplies: for the operator ("reviews has no route to v3 any more")

    static EditVerdict apply() { return {}; }
    static EditVerdict noLongerApplies(std::string reason) { return {Kind::NoLongerApplies, std::move(reason)}; }
};

struct UpdateResult {
    enum class Outcome {
        Updated,         // written; object is what the server returned
        Unchanged,       // the edit changed nothing, so nothing was written; object is the current one
        NoLongerApplies, // the edit declined; reason says why, object is what it saw
        Failed,          // error says why (a 409 after the last attempt included)
    };
    Outcome outcome = Outcome::Failed;
    ApiError error;
    std::string reason;
    ObjectPtr object;
    int attempts = 0; // writes tried
};

// How the edited document goes back. Every form carries the resourceVersion that was read, so a
// concurrent change makes the write fail (409, or 422 for a failed JSON Patch test) instead of being
// overwritten. kube-apiserver answers a failed test with the same bare 422 ("the server rejected our
// request due to an error in our request", no details) as a patch it cannot apply, so after a 422
// the object is read again: a new resourceVersion means a conflict, the same one a refused patch; fields MeshDeck does not understand travel untouched (Put sends the whole raw
// document, the patches only what the edit changed).
enum class WriteMethod { Put, MergePatch, JsonPatch };

// Read-modify-write with optimistic concurrency: GET the raw object, let edit change a copy of it,
// write it back with the resourceVersion read; on a conflict read again and re-apply the edit to the
// new state, up to maxAttempts writes (kubectl's 5). The edit must be a function of the object it
// is given (the operator's intent, not a stale copy), and may decline once the intent no longer
// applies.
//
// Single-threaded like Informer: run and destroy it on the client's executor thread; done runs there,
// once, unless cancel() (or the destructor) came first.
class OptimisticUpdate {
public:
    using Edit = std::function<EditVerdict(nlohmann::json& object)>;
    using Callback = std::function<void(UpdateResult)>;

    static constexpr int DefaultMaxAttempts = 5;

    OptimisticUpdate(KubeClient& client, std::string path, Edit edit, Callback done,
                     WriteMethod method = WriteMethod::Put, int maxAttempts = DefaultMaxAttempts);
    ~OptimisticUpdate();
    OptimisticUpdate(const OptimisticUpdate&) = delete;
    OptimisticUpdate& operator=(const OptimisticUpdate&) = delete;

    void start();
    void cancel();

    // The body written for an edit of `before` into `after` with the given method (exposed so a test
    // or a preview can show it without a server).
    static std::string writeBody(WriteMethod method, const nlohmann::json& before, const nlohmann::json& after);

private:
    void read();
    void onRead(const ApiError& error, const ObjectPtr& current);
    void onWritten(const ApiError& error, const ObjectPtr& written);
    void finish(UpdateResult result);

    KubeClient& m_client;
    const std::string m_path;
    Edit m_edit;
    Callback m_done;
    const WriteMethod m_method;
    const int m_maxAttempts;
    int m_attempts = 0;
    RequestId m_inFlight = 0;
    std::string m_writtenAgainst; // the resourceVersion the last write was based on
    ApiError m_refused;           // a 422 to a JSON Patch, until the next read tells what it meant
};

} // namespace kube

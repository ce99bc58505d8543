// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiError.h"
#include "HttpTransport.h"

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace kube {

class KubeClient;

struct AccessQuestion {
    std::string verb;          // get, list, watch, create, update, patch, delete
    std::string group;         // "" for the core group
    std::string resource;      // plural: "virtualservices"
    std::string namespaceName; // "" for cluster-wide
    std::string subresource;   // e.g. "status"; usually empty

    auto tie() const { return std::tie(verb, group, resource, namespaceName, subresource); }
    bool operator<(const AccessQuestion& other) const { return tie() < other.tie(); }
};

struct AccessDecision {
    ApiError error;      // the review itself failed: allowed is unknown (treat as not allowed, say why)
    bool allowed = false;
    std::string reason;  // the authorizer's words, when it gave any
};

// "May I?" answered by SelfSubjectAccessReview (authoritative, unlike SelfSubjectRulesReview) and
// remembered per question for the lifetime of the cache (one context: make a new cache when the
// context or its credentials change). Answers are cached, failures are not; questions asked again
// while the first is on its way share its request.
//
// Single-threaded: use it on the client's executor thread; answers run there.
class AccessReviewCache {
public:
    using Callback = std::function<void(const AccessDecision&)>;

    explicit AccessReviewCache(KubeClient& client);
    ~AccessReviewCache();
    AccessReviewCache(const AccessReviewCache&) = delete;
    AccessReviewCache& operator=(const AccessReviewCache&) = delete;

    // Answers at once (synchronously) when cached.
    void check(const AccessQuestion& question, Callback callback);
    const AccessDecision* cached(const AccessQuestion& question) const;
    void clear();

    static std::string requestBody(const AccessQuestion& question);

private:
    struct Pending {
        RequestId request = 0;
        std::vector<Callback> callbacks;
    };

    KubeClient& m_client;
    std::map<AccessQuestion, AccessDecision> m_answers;
    std::map<AccessQuestion, Pending> m_pending;
};

} // namespace kube

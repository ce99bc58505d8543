// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiError.h"
#include "HttpTransport.h"

#include <functional>
#include <string>
#include <vector>

namespace kube {

class KubeClient;

// Who the API server thinks the user is (`kubectl auth whoami`): shown in the UI, written to the
// audit log.
struct UserIdentity {
    ApiError error;
    std::string username;
    std::string uid;
    std::vector<std::string> groups;
};

// The namespaces the operator can pick from.
struct NamespaceChoice {
    ApiError error; // the list failed for a reason other than 403 (then names is empty)
    std::vector<std::string> names;
    // Listing namespaces was forbidden, so names is just the context's namespace; the UI should say
    // so and let the operator type others.
    bool fallback = false;
};

// SelfSubjectReview (authentication.k8s.io/v1). The callback runs through the client's executor.
RequestId requestIdentity(KubeClient& client, std::function<void(UserIdentity)> callback);

// Lists namespaces; when that is forbidden (ordinary users often may not), answers with the
// context's namespace instead, as kubectl users would work anyway.
RequestId listNamespacesOrFallback(KubeClient& client, std::function<void(NamespaceChoice)> callback);

} // namespace kube

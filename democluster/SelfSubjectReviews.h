// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiResponse.h"
#include "UserInfo.h"

namespace democluster {

struct ApiRequest;
struct ResourceType;

// The reviews a user asks about themselves: SelfSubjectAccessReview and SelfSubjectRulesReview
// (authorization.k8s.io/v1, behind `kubectl auth can-i`) and SelfSubjectReview
// (authentication.k8s.io/v1, behind `kubectl auth whoami`). Each is a POST answered from the
// request and the Authorizer's rules, never stored.
class SelfSubjectReviews {
public:
    static ApiResponse answer(const ResourceType& type, const ApiRequest& request, const UserInfo& user);
};

} // namespace democluster

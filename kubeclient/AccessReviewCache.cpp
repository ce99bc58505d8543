// SPDX-License-Identifier: Apache-2.0
#include "AccessReviewCache.h"

#include "KubeClient.h"

#include <nlohmann/json.hpp>

namespace kube {

namespace {
constexpr const char* ReviewsPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
}

AccessReviewCache::AccessReviewCache(KubeClient& client)
    : m_client(client)
{
}

AccessReviewCache::~AccessReviewCache()
{
    clear();
}

void AccessReviewCache::clear()
{
    for (const auto& [question, pending] : m_pending)
        m_client.cancel(pending.request);
    m_pending.clear();
    m_answers.clear();
}

std::string AccessReviewCache::requestBody(const AccessQuestion& question)
{
    nlohmann::json attributes = {{"verb", question.verb}, {"group", question.group}, {"resource", question.resource}};
    if (!question.namespaceName.empty())
        attributes["namespace"] = question.namespaceName;
    if (!question.subresource.empty())
        attributes["subresource"] = question.subresource;
    return nlohmann::json{{"apiVersion", "authorization.k8s.io/v1"},
                          {"kind", "SelfSubjectAccessReview"},
                          {"spec", {{"resourceAttributes", std::move(attributes)}}}}
        .dump();
}

const AccessDecision* AccessReviewCache::cached(const AccessQuestion& question) const
{
    const auto it = m_answers.find(question);
    return it == m_answers.end() ? nullptr : &it->second;
}

void AccessReviewCache::check(const AccessQuestion& question, Callback callback)
{
    if (const AccessDecision* known = cached(question)) {
        callback(*known);
        return;
    }
    if (auto pending = m_pending.find(question); pending != m_pending.end()) {
        pending->second.callbacks.push_back(std::move(callback));
        return;
    }
    Pending& pending = m_pending[question];
    pending.callbacks.push_back(std::move(callback));
    pending.request = m_client.create(ReviewsPath, requestBody(question), [this, question](JsonResult result) {
        AccessDecision decision;
        if (result.error) {
            decision.error = result.error;
        } else {
            const auto status = result.object->value("status", nlohmann::json::object());
            // denied is the authorizer's definite no; neither allowed nor denied means "no opinion",
            // which is a no as well.
            decision.allowed = status.value("allowed", false) && !status.value("denied", false);
            decision.reason = status.value("reason", "");
            if (decision.reason.empty())
                decision.reason = status.value("evaluationError", "");
            m_answers[question] = decision;
        }
        auto node = m_pending.extract(question);
        for (const auto& waiting : node.mapped().callbacks)
            waiting(decision);
    });
}

} // namespace kube

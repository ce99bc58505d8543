// SPDX-License-Identifier: Apache-2.0
#include "SelfSubjectReviews.h"

#include "ApiRequest.h"
#include "Authorizer.h"
#include "ResourceType.h"
#include "ReviewProtobuf.h"

#include <nlohmann/json.hpp>

namespace democluster {

namespace {

std::string stringAt(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

nlohmann::json accessStatus(const nlohmann::json& spec, const UserInfo& user) {
    RequestAttributes attributes;
    const auto resource = spec.find("resourceAttributes");
    const auto nonResource = spec.find("nonResourceAttributes");
    if (resource != spec.end() && resource->is_object()) {
        attributes.verb = stringAt(*resource, "verb");
        attributes.group = stringAt(*resource, "group");
        attributes.resource = stringAt(*resource, "resource");
        attributes.subresource = stringAt(*resource, "subresource");
        attributes.namespaceName = stringAt(*resource, "namespace");
        attributes.name = stringAt(*resource, "name");
    } else if (nonResource != spec.end() && nonResource->is_object()) {
        attributes.resourceRequest = false;
        attributes.verb = stringAt(*nonResource, "verb");
        attributes.path = stringAt(*nonResource, "path");
    } else {
        return nullptr;
    }
    nlohmann::json status = {{"allowed", Authorizer::allows(user, attributes)}};
    // RBAC only ever allows; "no" comes with an empty reason, as from a real cluster.
    if (status["allowed"] == true)
        status["reason"] = "allowed by the demo cluster's RBAC rules for " + user.name;
    return status;
}

// Without a namespace only the cluster-wide bindings count, as RBAC's RulesFor with NamespaceAll.
nlohmann::json rulesStatus(const nlohmann::json& spec, const UserInfo& user) {
    const Authorizer::Rules rules = Authorizer::rulesIn(user, stringAt(spec, "namespace"));
    nlohmann::json resourceRules = nlohmann::json::array();
    for (const auto& rule : rules.resourceRules)
        resourceRules.push_back(
            {{"verbs", rule.verbs}, {"apiGroups", rule.apiGroups}, {"resources", rule.resources}});
    nlohmann::json nonResourceRules = nlohmann::json::array();
    for (const auto& rule : rules.nonResourceRules)
        nonResourceRules.push_back({{"verbs", rule.verbs}, {"nonResourceURLs", rule.nonResourceURLs}});
    return {{"resourceRules", resourceRules}, {"nonResourceRules", nonResourceRules}, {"incomplete", false}};
}

} // namespace

ApiResponse SelfSubjectReviews::answer(const ResourceType& type, const ApiRequest& request,
                                       const UserInfo& user) {
    if (request.method != "POST")
        return ApiResponse::failure(ApiStatus::methodNotAllowed(type, request.method));
    std::string contentType = request.header("content-type");
    contentType = contentType.substr(0, contentType.find(';'));
    nlohmann::json review;
    if (contentType == "application/json") {
        review = nlohmann::json::parse(request.body, nullptr, false);
    } else if (contentType == ReviewProtobuf::MediaType) {
        review = ReviewProtobuf::decode(request.body).value_or(nlohmann::json());
        if (review.is_object() && review.value("kind", std::string()) != type.kind)
            review = nullptr;
    } else {
        return ApiResponse::failure(
            ApiStatus::unsupportedMediaType({"application/json", ReviewProtobuf::MediaType}));
    }
    if (review.is_discarded() || !review.is_object())
        return ApiResponse::failure(
            ApiStatus::badRequest("error decoding " + type.kind + ": the body is malformed"));
    const nlohmann::json spec = review.value("spec", nlohmann::json::object());
    if (!spec.is_object())
        return ApiResponse::failure(ApiStatus::badRequest(type.kind + ".spec must be an object"));

    nlohmann::json status;
    if (type.kind == "SelfSubjectAccessReview") {
        status = accessStatus(spec, user);
        if (status.is_null()) {
            return ApiResponse::failure(ApiStatus::badRequest(
                "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: "
                "Invalid value: "
                "\"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
    } else if (type.kind == "SelfSubjectRulesReview") {
        status = rulesStatus(spec, user);
    } else {
        nlohmann::json userInfo = {{"username", user.name}, {"groups", user.groups}};
        status = {{"userInfo", std::move(userInfo)}};
    }
    review["kind"] = type.kind;
    review["apiVersion"] = type.apiVersion();
    review["metadata"] = {{"creationTimestamp", nullptr}};
    review["status"] = std::move(status);
    return ApiResponse::json(review.dump(), 201);
}

} // namespace democluster

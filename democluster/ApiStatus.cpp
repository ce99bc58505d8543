// SPDX-License-Identifier: Apache-2.0
#include "ApiStatus.h"

#include "Authorizer.h"
#include "ResourceType.h"

#include <nlohmann/json.hpp>

namespace democluster {

namespace {

std::string inQuotes(std::string_view name)
{
    return '"' + std::string(name) + '"';
}

} // namespace

ApiStatus::ApiStatus(int code, std::string reason, std::string message)
    : m_code(code)
    , m_reason(std::move(reason))
    , m_message(std::move(message))
{
}

ApiStatus& ApiStatus::withDetails(const ResourceType& type, std::string_view name)
{
    m_hasDetails = true;
    m_detailsName = name;
    m_detailsGroup = type.group;
    // Status.details.kind holds the plural resource name, as apimachinery fills it.
    m_detailsKind = type.plural;
    return *this;
}

ApiStatus ApiStatus::notFound(const ResourceType& type, std::string_view name)
{
    return ApiStatus(404, "NotFound", type.groupResource() + ' ' + inQuotes(name) + " not found")
        .withDetails(type, name);
}

ApiStatus ApiStatus::alreadyExists(const ResourceType& type, std::string_view name)
{
    return ApiStatus(409, "AlreadyExists", type.groupResource() + ' ' + inQuotes(name) + " already exists")
        .withDetails(type, name);
}

ApiStatus ApiStatus::conflict(const ResourceType& type, std::string_view name)
{
    return ApiStatus(409, "Conflict",
                     "Operation cannot be fulfilled on " + type.groupResource() + ' ' + inQuotes(name)
                         + ": the object has been modified; please apply your changes to the latest "
                           "version and try again")
        .withDetails(type, name);
}

ApiStatus ApiStatus::applyConflict(std::string message, const std::vector<std::pair<std::string, std::string>>& causes)
{
    ApiStatus status(409, "Conflict", std::move(message));
    // apierrors.NewApplyConflict: the causes alone, no name or kind.
    status.m_hasDetails = true;
    status.m_causes = causes;
    return status;
}

ApiStatus ApiStatus::invalid(const std::string& qualifiedKind, std::string_view name, std::string message)
{
    ApiStatus status(422, "Invalid", qualifiedKind + ' ' + inQuotes(name) + " is invalid: " + message);
    status.m_hasDetails = true;
    status.m_detailsName = name;
    return status;
}

ApiStatus ApiStatus::unauthorized()
{
    return ApiStatus(401, "Unauthorized", "Unauthorized");
}

ApiStatus ApiStatus::forbidden(const RequestAttributes& attributes, std::string_view user)
{
    if (!attributes.resourceRequest) {
        ApiStatus status(403, "Forbidden",
                         "forbidden: User " + inQuotes(user) + " cannot " + attributes.verb + " path "
                             + inQuotes(attributes.path));
        status.m_hasDetails = true;
        return status;
    }
    const std::string resource =
        attributes.subresource.empty() ? attributes.resource : attributes.resource + '/' + attributes.subresource;
    const std::string scope = attributes.namespaceName.empty() ? "at the cluster scope"
                                                               : "in the namespace " + inQuotes(attributes.namespaceName);
    const std::string reason = "User " + inQuotes(user) + " cannot " + attributes.verb + " resource " + inQuotes(resource)
                               + " in API group " + inQuotes(attributes.group) + ' ' + scope;
    // The qualified resource leaves the subresource out, as apierrors.NewForbidden gets it.
    const std::string groupResource =
        attributes.group.empty() ? attributes.resource : attributes.resource + '.' + attributes.group;
    const std::string subject = attributes.name.empty() ? groupResource : groupResource + ' ' + inQuotes(attributes.name);
    ApiStatus status(403, "Forbidden", subject + " is forbidden: " + reason);
    status.m_hasDetails = true;
    status.m_detailsName = attributes.name;
    status.m_detailsGroup = attributes.group;
    status.m_detailsKind = attributes.resource;
    return status;
}

ApiStatus ApiStatus::methodNotAllowed(const ResourceType& type, std::string_view action)
{
    return ApiStatus(405, "MethodNotAllowed",
                     std::string(action) + " is not supported on resources of kind " + inQuotes(type.groupResource()))
        .withDetails(type, {});
}

ApiStatus ApiStatus::methodNotAllowed()
{
    return ApiStatus(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

ApiStatus ApiStatus::unsupportedMediaType(const std::vector<std::string>& acceptedTypes)
{
    std::string message = "the body of the request was in an unknown format - accepted media types include: ";
    for (std::size_t i = 0; i < acceptedTypes.size(); ++i)
        message += (i ? ", " : "") + acceptedTypes[i];
    return ApiStatus(415, "UnsupportedMediaType", std::move(message));
}

ApiStatus ApiStatus::requestEntityTooLarge(std::size_t limitBytes)
{
    return ApiStatus(413, "RequestEntityTooLarge",
                     "Request entity too large: limit is " + std::to_string(limitBytes));
}

ApiStatus ApiStatus::badRequest(std::string message)
{
    return ApiStatus(400, "BadRequest", std::move(message));
}

ApiStatus ApiStatus::pathNotFound()
{
    ApiStatus status(404, "NotFound", "the server could not find the requested resource");
    status.m_hasDetails = true;
    return status;
}

ApiStatus ApiStatus::patchRejected()
{
    ApiStatus status(422, "Invalid", "the server rejected our request due to an error in our request");
    status.m_hasDetails = true;
    return status;
}

ApiStatus ApiStatus::admissionDenied(std::string_view webhook, std::string_view message)
{
    return ApiStatus(400, {}, "admission webhook " + inQuotes(webhook) + " denied the request: " + std::string(message));
}

ApiStatus ApiStatus::serviceUnavailable(std::string message)
{
    return ApiStatus(503, "ServiceUnavailable", std::move(message));
}

ApiStatus ApiStatus::expired(std::uint64_t requested, std::uint64_t oldest)
{
    return ApiStatus(410, "Expired",
                     "too old resource version: " + std::to_string(requested) + " (" + std::to_string(oldest) + ')');
}

ApiStatus ApiStatus::tooManyRequests(std::string message)
{
    ApiStatus status(429, "TooManyRequests", std::move(message));
    status.m_hasDetails = true;
    return status;
}

ApiStatus ApiStatus::internalError(std::string_view message)
{
    return ApiStatus(500, "InternalError", "Internal error occurred: " + std::string(message));
}

std::string ApiStatus::toJson() const
{
    nlohmann::json status = {{"kind", "Status"},
                             {"apiVersion", "v1"},
                             {"metadata", nlohmann::json::object()},
                             {"status", "Failure"},
                             {"message", m_message}};
    if (!m_reason.empty())
        status["reason"] = m_reason;
    if (m_hasDetails) {
        nlohmann::json details = nlohmann::json::object();
        if (!m_detailsName.empty())
            details["name"] = m_detailsName;
        if (!m_detailsGroup.empty())
            details["group"] = m_detailsGroup;
        if (!m_detailsKind.empty())
            details["kind"] = m_detailsKind;
        for (const auto& [message, field] : m_causes)
            details["causes"].push_back({{"reason", "FieldManagerConflict"}, {"message", message}, {"field", field}});
        status["details"] = std::move(details);
    }
    status["code"] = m_code;
    return status.dump();
}

} // namespace democluster

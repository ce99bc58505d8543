// SPDX-License-Identifier: Apache-2.0
#include "AdmissionValidator.h"

#include "ResourceType.h"

#include <nlohmann/json.hpp>

namespace democluster {

namespace {

void checkRouteDestinations(const nlohmann::json& routes, std::vector<std::string>& errors)
{
    long long totalWeight = 0;
    for (const auto& entry : routes) {
        const auto destination = entry.find("destination");
        if (destination == entry.end() || !destination->is_object()) {
            errors.emplace_back("destination is required");
        } else {
            const std::string host = destination->value("host", std::string());
            if (host.empty())
                errors.emplace_back("empty domain name not allowed");
            else if (host == "*")
                errors.emplace_back("invalid destination host *");
        }
        const auto weight = entry.find("weight");
        if (weight == entry.end())
            continue;
        if (!weight->is_number_integer()) {
            errors.emplace_back("weight must be an integer");
            continue;
        }
        const long long value = weight->get<long long>();
        if (value < 0)
            errors.push_back("weight " + std::to_string(value) + " < 0");
        totalWeight += value;
    }
    if (routes.size() > 1 && totalWeight == 0)
        errors.emplace_back("total destination weight = 0");
}

} // namespace

std::optional<ApiStatus> AdmissionValidator::validate(const ResourceType& type, const nlohmann::json& object) const
{
    if (type.group != "networking.istio.io" || type.kind != "VirtualService")
        return std::nullopt;
    const auto errors = virtualServiceErrors(object);
    if (errors.empty())
        return std::nullopt;
    return ApiStatus::admissionDenied(WebhookName, "configuration is invalid: " + joinErrors(errors));
}

std::vector<std::string> AdmissionValidator::virtualServiceErrors(const nlohmann::json& object)
{
    std::vector<std::string> errors;
    const auto spec = object.find("spec");
    if (spec == object.end() || !spec->is_object()) {
        errors.emplace_back("virtual service must have at least one host");
        return errors;
    }
    const auto hosts = spec->find("hosts");
    if (hosts == spec->end() || !hosts->is_array() || hosts->empty())
        errors.emplace_back("virtual service must have at least one host");
    const auto http = spec->find("http");
    if (http == spec->end())
        return errors;
    if (!http->is_array()) {
        errors.emplace_back("http must be a list of routes");
        return errors;
    }
    for (const auto& route : *http) {
        const auto destinations = route.find("route");
        const bool hasRoute = destinations != route.end() && destinations->is_array() && !destinations->empty();
        if (!hasRoute && !route.contains("redirect") && !route.contains("directResponse")) {
            errors.emplace_back("HTTP route, redirect or direct_response is required");
            continue;
        }
        if (hasRoute)
            checkRouteDestinations(*destinations, errors);
    }
    return errors;
}

std::string AdmissionValidator::joinErrors(const std::vector<std::string>& errors)
{
    if (errors.size() == 1)
        return errors.front();
    std::string joined = std::to_string(errors.size()) + " errors occurred:";
    for (const auto& error : errors)
        joined += "\n\t* " + error;
    return joined + "\n\n";
}

} // namespace democluster

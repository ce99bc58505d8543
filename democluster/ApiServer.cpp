// SPDX-License-Identifier: Apache-2.0
#include "ApiServer.h"

#include "ApiPath.h"
#include "ApiRequest.h"
#include "Authenticator.h"
#include "Authorizer.h"
#include "ObjectStore.h"
#include "PrometheusProxy.h"
#include "ResourceRegistry.h"
#include "SelfSubjectReviews.h"

#include <nlohmann/json.hpp>

#include <cctype>

namespace democluster {

namespace {

std::vector<std::string_view> segmentsOf(std::string_view path)
{
    std::vector<std::string_view> segments;
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        if (slash != 0)
            segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

// The proxy name segment is [scheme:]service[:port]; the scheme is optional.
std::string_view withoutScheme(std::string_view proxyName)
{
    for (std::string_view scheme : {"http:", "https:"}) {
        if (proxyName.starts_with(scheme) && proxyName.find(':', scheme.size()) != std::string_view::npos)
            return proxyName.substr(scheme.size());
    }
    return proxyName;
}

std::string serviceNameOf(std::string_view proxyName)
{
    proxyName = withoutScheme(proxyName);
    return std::string(proxyName.substr(0, proxyName.find(':')));
}

bool namesPrometheus(std::string_view proxyName)
{
    proxyName = withoutScheme(proxyName);
    return proxyName == PrometheusProxy::ServiceName
           || proxyName == std::string(PrometheusProxy::ServiceName) + ':' + std::to_string(PrometheusProxy::ServicePort);
}

std::string lowerCase(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The verb kube-apiserver's request-info resolver derives from the method and path.
std::string verbOf(const ApiRequest& request, const ApiPath& path)
{
    const bool watch = request.param("watch") == "true" || request.param("watch") == "1";
    if (request.method == "GET")
        return watch ? "watch" : path.name.empty() ? "list" : "get";
    if (request.method == "POST")
        return "create";
    if (request.method == "PUT")
        return "update";
    if (request.method == "PATCH")
        return "patch";
    if (request.method == "DELETE")
        return path.name.empty() ? "deletecollection" : "delete";
    return lowerCase(request.method);
}

} // namespace

ApiServer::ApiServer(ObjectStore& store, const ResourceRegistry& registry, const Authenticator& authenticator,
                     const PrometheusProxy& prometheus, WatchLimits watchLimits)
    : m_store(store)
    , m_registry(registry)
    , m_authenticator(authenticator)
    , m_prometheus(prometheus)
    , m_watchLimits(watchLimits)
    , m_discovery(registry)
    , m_openApi(registry)
    , m_resources(store, registry, m_admission, watchLimits)
    , m_podLogs(store, store.podLogs())
{
}

ApiResponse ApiServer::handle(const ApiRequest& request) const
{
    const auto user = m_authenticator.authenticate(request.header("authorization"));
    if (!user)
        return ApiResponse::failure(ApiStatus::unauthorized());
    if (request.body.size() > MaxBodyBytes)
        return ApiResponse::failure(ApiStatus::requestEntityTooLarge(MaxBodyBytes));
    const auto path = ApiPath::parse(request.path, m_registry);
    RequestAttributes attributes;
    if (path) {
        attributes.verb = verbOf(request, *path);
        attributes.group = path->type->group;
        attributes.resource = path->type->plural;
        attributes.subresource = path->subresource;
        attributes.namespaceName = path->namespaceName;
        attributes.name = path->name;
    } else {
        attributes.resourceRequest = false;
        // Non-resource requests use the HTTP method as the verb.
        attributes.verb = lowerCase(request.method);
        attributes.path = request.path;
    }
    if (!Authorizer::allows(*user, attributes))
        return ApiResponse::failure(ApiStatus::forbidden(attributes, user->name));
    if (auto document = discovery(request))
        return *document;
    if (!path)
        return ApiResponse::failure(ApiStatus::pathNotFound());
    if (path->type->createOnly)
        return SelfSubjectReviews::answer(*path->type, request, *user);
    if (path->type->group.empty() && path->type->plural == "services" && path->subresource == "proxy")
        return serviceProxy(request, *path);
    if (path->type->group.empty() && path->type->plural == "pods" && path->subresource == "log" && !path->name.empty()
        && !path->namespaceName.empty())
        return m_podLogs.handle(request, *path);
    return m_resources.handle(request, *path);
}

std::optional<ApiResponse> ApiServer::discovery(const ApiRequest& request) const
{
    const auto segments = segmentsOf(request.path);
    std::optional<std::string> document;
    const bool root = segments.size() == 1 && (segments[0] == "api" || segments[0] == "apis");
    if (root && DiscoveryDocuments::aggregatedWanted(request.header("accept"))) {
        if (request.method != "GET")
            return ApiResponse::failure(ApiStatus::methodNotAllowed());
        return ApiResponse{200, DiscoveryDocuments::AggregatedMediaType, m_discovery.aggregated(segments[0] == "api"), {}};
    }
    if (segments.size() == 1 && segments[0] == "version")
        document = DiscoveryDocuments::version();
    else if (segments.size() == 1 && segments[0] == "api")
        document = m_discovery.coreVersions();
    else if (segments.size() == 2 && segments[0] == "api")
        document = m_discovery.resourceList("", segments[1]);
    else if (segments.size() == 1 && segments[0] == "apis")
        document = m_discovery.groupList();
    else if (segments.size() == 2 && segments[0] == "apis")
        document = m_discovery.group(segments[1]);
    else if (segments.size() == 3 && segments[0] == "apis")
        document = m_discovery.resourceList(segments[1], segments[2]);
    else if (segments.size() == 2 && segments[0] == "openapi" && segments[1] == "v3")
        document = m_openApi.root();
    else if (segments.size() == 4 && segments[0] == "openapi" && segments[1] == "v3" && segments[2] == "api")
        document = m_openApi.groupVersion("", segments[3]);
    else if (segments.size() == 5 && segments[0] == "openapi" && segments[1] == "v3" && segments[2] == "apis")
        document = m_openApi.groupVersion(segments[3], segments[4]);
    else
        return std::nullopt;
    if (!document)
        return ApiResponse::failure(ApiStatus::pathNotFound());
    if (request.method != "GET")
        return ApiResponse::failure(ApiStatus::methodNotAllowed());
    return ApiResponse::json(std::move(*document));
}

ApiResponse ApiServer::serviceProxy(const ApiRequest& request, const ApiPath& path) const
{
    // The Service object must exist, whatever the proxy then reaches.
    const std::string serviceName = serviceNameOf(path.name);
    nlohmann::json service;
    if (auto error = m_store.get(*path.type, path.namespaceName, serviceName, service))
        return ApiResponse::failure(*error);
    if (path.namespaceName != PrometheusProxy::Namespace || !namesPrometheus(path.name)) {
        return ApiResponse::failure(ApiStatus::serviceUnavailable(
            "no endpoints available for service \"" + path.name
            + "\": the demo cluster simulates this service's traffic but runs no server for it"));
    }
    return m_prometheus.forward(request, path.remainder);
}

} // namespace democluster

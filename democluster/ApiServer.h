// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "AdmissionValidator.h"
#include "ApiResponse.h"
#include "DiscoveryDocuments.h"
#include "OpenApiDocuments.h"
#include "PodLogHandler.h"
#include "ResourceHandler.h"
#include "WatchLimits.h"

#include <cstddef>
#include <optional>

namespace democluster {

class Authenticator;
class ObjectStore;
class PrometheusProxy;
class ResourceRegistry;
struct ApiPath;
struct ApiRequest;

// The Kubernetes API: authentication, then discovery, the service proxy, pod logs or a resource verb.
// Socket-free on purpose: ApiListener feeds it from HTTPS, tests call handle() directly.
class ApiServer {
public:
    // kube-apiserver's own limit for a request body.
    static constexpr std::size_t MaxBodyBytes = 3 * 1024 * 1024;

    ApiServer(ObjectStore& store, const ResourceRegistry& registry, const Authenticator& authenticator,
              const PrometheusProxy& prometheus, WatchLimits watchLimits = {});

    ApiResponse handle(const ApiRequest& request) const;
    const WatchLimits& watchLimits() const { return m_watchLimits; }

private:
    std::optional<ApiResponse> discovery(const ApiRequest& request) const;
    ApiResponse serviceProxy(const ApiRequest& request, const ApiPath& path) const;

    ObjectStore& m_store;
    const ResourceRegistry& m_registry;
    const Authenticator& m_authenticator;
    const PrometheusProxy& m_prometheus;
    WatchLimits m_watchLimits;
    AdmissionValidator m_admission;
    DiscoveryDocuments m_discovery;
    OpenApiDocuments m_openApi;
    ResourceHandler m_resources;
    PodLogHandler m_podLogs;
};

} // namespace democluster

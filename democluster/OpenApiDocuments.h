// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace democluster {

class ResourceRegistry;

// Enough of /openapi/v3 for `kubectl apply` to use server-side field validation: the root lists one
// document per group/version, and each document has, per kind, a path whose `patch` operation
// names the kind (x-kubernetes-group-version-kind) and takes `fieldValidation` in its own
// parameters — the two things kubectl looks for. No schemas: the server does no schema validation
// either, so advertising them would promise more than it keeps.
class OpenApiDocuments {
public:
    explicit OpenApiDocuments(const ResourceRegistry& registry);

    // GET /openapi/v3
    std::string root() const;
    // GET /openapi/v3/api/v1, /openapi/v3/apis/GROUP/VERSION; nullopt when nothing is served there.
    std::optional<std::string> groupVersion(std::string_view group, std::string_view version) const;

private:
    const ResourceRegistry& m_registry;
};

} // namespace democluster

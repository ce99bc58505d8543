// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace democluster {

struct RequestAttributes;
struct ResourceType;

// A Kubernetes Status failure, worded like kube-apiserver's k8s.io/apimachinery/pkg/api/errors so
// clients that parse reason, code and details (kubectl, client-go, MeshDeck) react as they would
// against a real cluster.
class ApiStatus {
public:
    static ApiStatus notFound(const ResourceType& type, std::string_view name);
    static ApiStatus alreadyExists(const ResourceType& type, std::string_view name);
    // The optimistic-concurrency failure: a stale metadata.resourceVersion.
    static ApiStatus conflict(const ResourceType& type, std::string_view name);
    // Server-side apply met fields another manager owns; `causes` are (message, field) pairs.
    static ApiStatus applyConflict(std::string message, const std::vector<std::pair<std::string, std::string>>& causes);
    // 422 Invalid: "<qualifiedKind> "<name>" is invalid: <message>", e.g. `PatchOptions.meta.k8s.io ""`
    // for an apply without fieldManager.
    static ApiStatus invalid(const std::string& qualifiedKind, std::string_view name, std::string message);
    static ApiStatus unauthorized();
    // Authorization said no; worded like kube-apiserver's forbiddenMessage().
    static ApiStatus forbidden(const RequestAttributes& attributes, std::string_view user);
    static ApiStatus methodNotAllowed(const ResourceType& type, std::string_view action);
    // For paths that are not resources (discovery documents).
    static ApiStatus methodNotAllowed();
    static ApiStatus unsupportedMediaType(const std::vector<std::string>& acceptedTypes);
    static ApiStatus requestEntityTooLarge(std::size_t limitBytes);
    static ApiStatus badRequest(std::string message);
    // A path outside every served group/version/resource.
    static ApiStatus pathNotFound();
    // What kube-apiserver answers when a JSON patch cannot be applied (a failed "test" op, a
    // missing path): 422 Invalid with a generic message and empty details.
    static ApiStatus patchRejected();
    // A validating admission webhook said no. kube-apiserver keeps the webhook's (empty) reason and
    // turns its missing code into 400.
    static ApiStatus admissionDenied(std::string_view webhook, std::string_view message);
    static ApiStatus serviceUnavailable(std::string message);
    // A watch from a resourceVersion the history no longer reaches (the client must relist).
    static ApiStatus expired(std::uint64_t requested, std::uint64_t oldest);
    // Too many requests of one kind in flight (kube-apiserver's max-in-flight limits).
    static ApiStatus tooManyRequests(std::string message);
    static ApiStatus internalError(std::string_view message);

    int code() const { return m_code; }
    const std::string& reason() const { return m_reason; }
    const std::string& message() const { return m_message; }
    std::string toJson() const;

private:
    ApiStatus(int code, std::string reason, std::string message);
    ApiStatus& withDetails(const ResourceType& type, std::string_view name);

    int m_code;
    std::string m_reason;
    std::string m_message;
    bool m_hasDetails = false;
    std::string m_detailsName;
    std::string m_detailsGroup;
    std::string m_detailsKind;
    std::vector<std::pair<std::string, std::string>> m_causes; // (message, field) of FieldManagerConflicts
};

} // namespace democluster

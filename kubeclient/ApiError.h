// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kube {

// What went wrong with a request. Transport failures (DNS, TLS, refused, timeout) are kept apart
// from API errors (the server answered with a Kubernetes Status), so the UI can say which it was.
struct ApiError {
    // Credential: no request was sent because no credential could be obtained (an exec plugin
    // failed, is missing or timed out); message says why, with the plugin's own words.
    enum class Kind { None, Transport, Api, Decode, Cancelled, Credential };

    Kind kind = Kind::None;
    long httpStatus = 0;   // 0 for transport errors
    std::string reason;    // Status.reason, e.g. "NotFound", "Conflict", "Forbidden"
    std::string message;   // Status.message verbatim, or the transport/decode error text
    std::string url;       // what was asked, without credentials
    std::string method;    // "GET", "PATCH", ...; empty when unknown
    long retryAfterSeconds = -1; // the server's Retry-After (429, 503); -1 when it sent none

    // Status.details, when the server sent them: the object concerned and, for a 422 Invalid, each
    // field that was refused and why (what a form would mark).
    struct Cause {
        std::string reason; // e.g. "FieldValueInvalid", "FieldValueRequired"
        std::string message;
        std::string field;  // e.g. "spec.http[0].route[1].weight"
    };
    struct Details {
        std::string name, group, kind, uid;
        std::vector<Cause> causes;
    };
    Details details;

    bool ok() const { return kind == Kind::None; }
    explicit operator bool() const { return !ok(); }

    // One line for the operator: "409 Conflict: the object has been modified … (PATCH https://…)".
    std::string describe() const;

    // Builds an error from an HTTP status and body. A Kubernetes Status body gives reason and
    // message; anything else keeps the start of the body so nothing the server said is lost.
    static ApiError fromHttp(long httpStatus, std::string_view body, std::string url);
    static ApiError transport(std::string message, std::string url);
    static ApiError decode(std::string message, std::string url);
    static ApiError credential(std::string message, std::string url);
};

} // namespace kube

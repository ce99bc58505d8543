// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace democluster {

// kubectl sends the built-in review types (SelfSubjectAccessReview, SelfSubjectRulesReview,
// SelfSubjectReview) as application/vnd.kubernetes.protobuf: the "k8s\0" magic, then a
// runtime.Unknown envelope around the generated.proto message. This decodes just the fields those
// reviews carry into their JSON form; the answer goes back as JSON, which kubectl also accepts.
class ReviewProtobuf {
public:
    static constexpr const char* MediaType = "application/vnd.kubernetes.protobuf";

    // nullopt for anything malformed or truncated.
    static std::optional<nlohmann::json> decode(std::string_view body);
};

} // namespace democluster

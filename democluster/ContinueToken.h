// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

namespace democluster {

// The opaque `continue` value of a paged LIST: where the next page starts and the resourceVersion
// of the first page, which every page reports, as kube-apiserver does. Base64 of JSON, so clients
// pass it through untouched and a forged or truncated one is recognised.
struct ContinueToken {
    std::string resourceVersion;
    std::string namespaceName; // of the last item returned
    std::string name;

    std::string encode() const;
    static std::optional<ContinueToken> decode(const std::string& token);
};

} // namespace democluster

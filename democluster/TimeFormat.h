// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace democluster {

// "2026-11-26T07:36:00Z": the form Kubernetes uses for metav1.Time (UTC, whole seconds).
std::string rfc3339(std::chrono::system_clock::time_point time);
// "2026-01-02T03:04:05Z" back to a time; nullopt when the text is not in that form.
std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string& text);

} // namespace democluster

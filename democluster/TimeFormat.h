// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

namespace democluster {

// "2026-11-26T07:36:00Z": the form Kubernetes uses for metav1.Time (UTC, whole seconds).
std::string rfc3339(std::chrono::system_clock::time_point time);

} // namespace democluster

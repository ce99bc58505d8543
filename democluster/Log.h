// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace democluster {

// Diagnostics go to stderr, one prefixed line each: stdout carries only the ready line, which
// scripts and tests parse.
void logInfo(std::string_view message);

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace kube {

// How deeply nested a JSON document from a server or a plugin may be. nlohmann::json parses any
// depth, but copying, comparing and printing a value recurse once per level, so a broken or
// hostile answer nested a hundred thousand deep would overflow the stack of whichever thread
// touches it. Kubernetes objects are a few dozen levels deep; kube-apiserver itself refuses 10,000.
inline constexpr int MaxJsonDepth = 1000;

// True when the text (valid JSON or not) opens more than maxDepth arrays or objects at once. One
// pass over the bytes, tracking strings, so it is cheap next to the parse it guards.
bool nestedDeeperThan(std::string_view json, int maxDepth = MaxJsonDepth);

} // namespace kube

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace democluster {

// Who made a request, as authentication found out; authorization decides from this (a read-only
// viewer is a user whose groups grant no write verbs).
struct UserInfo {
    std::string name;
    std::vector<std::string> groups;
};

} // namespace democluster

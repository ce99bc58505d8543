// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "UserInfo.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace democluster {

// Static bearer tokens, like kube-apiserver's --token-auth-file: each token maps to one user.
class Authenticator {
public:
    // A random token from OpenSSL's CSPRNG, 64 hex characters.
    static std::string generateToken();

    void addToken(std::string token, UserInfo user);
    // `authorization` is the Authorization header as received.
    std::optional<UserInfo> authenticate(std::string_view authorization) const;

private:
    std::map<std::string, UserInfo, std::less<>> m_users;
};

} // namespace democluster

// SPDX-License-Identifier: Apache-2.0
#include "Authenticator.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace democluster {

std::string Authenticator::generateToken()
{
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("cannot generate a bearer token: OpenSSL's random generator failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char byte : bytes) {
        token += hex[byte >> 4];
        token += hex[byte & 0x0f];
    }
    return token;
}

void Authenticator::addToken(std::string token, UserInfo user)
{
    m_users.insert_or_assign(std::move(token), std::move(user));
}

std::optional<UserInfo> Authenticator::authenticate(std::string_view authorization) const
{
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || authorization.substr(0, scheme.size()) != scheme)
        return std::nullopt;
    const auto found = m_users.find(authorization.substr(scheme.size()));
    if (found == m_users.end())
        return std::nullopt;
    return found->second;
}

} // namespace democluster

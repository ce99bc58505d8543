// SPDX-License-Identifier: Apache-2.0
#include "RandomNames.h"

#include <cstdio>
#include <string_view>

namespace democluster {

RandomNames::RandomNames()
    : m_engine(std::random_device{}())
{
}

RandomNames::RandomNames(std::uint64_t seed)
    : m_engine(seed)
{
}

std::string RandomNames::uuid()
{
    std::lock_guard lock(m_mutex);
    const std::uint64_t high = (m_engine() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
    const std::uint64_t low = (m_engine() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                  static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                  static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
    return buffer;
}

std::string RandomNames::suffix(std::size_t length)
{
    static constexpr std::string_view alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::lock_guard lock(m_mutex);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string result;
    for (std::size_t i = 0; i < length; ++i)
        result += alphabet[pick(m_engine)];
    return result;
}

} // namespace democluster

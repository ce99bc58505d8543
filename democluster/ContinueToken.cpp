// SPDX-License-Identifier: Apache-2.0
#include "ContinueToken.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

namespace democluster {

namespace {

constexpr const char* Version = "meshdeck.continue/v1";

} // namespace

std::string ContinueToken::encode() const {
    const std::string data =
        nlohmann::json{{"v", Version}, {"rv", resourceVersion}, {"ns", namespaceName}, {"name", name}}.dump();
    std::string encoded(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int length =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                        reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return encoded;
}

std::optional<ContinueToken> ContinueToken::decode(const std::string& token) {
    if (token.empty() || token.size() % 4 != 0 || token.size() > 4096)
        return std::nullopt;
    std::string data(3 * token.size() / 4, '\0');
    const int length =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(data.data()),
                        reinterpret_cast<const unsigned char*>(token.data()), static_cast<int>(token.size()));
    if (length < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts padding as data; JSON ends at the closing brace anyway.
    data.resize(static_cast<std::size_t>(length));
    while (!data.empty() && data.back() == '\0')
        data.pop_back();
    const nlohmann::json parsed = nlohmann::json::parse(data, nullptr, false);
    if (!parsed.is_object() || parsed.value("v", std::string()) != Version)
        return std::nullopt;
    const auto text = [&](const char* key) -> std::optional<std::string> {
        const auto found = parsed.find(key);
        return found != parsed.end() && found->is_string() ? std::optional(found->get<std::string>())
                                                           : std::nullopt;
    };
    const auto rv = text("rv");
    const auto ns = text("ns");
    const auto name = text("name");
    if (!rv || !ns || !name)
        return std::nullopt;
    return ContinueToken{*rv, *ns, *name};
}

} // namespace democluster

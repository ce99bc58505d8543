// SPDX-License-Identifier: Apache-2.0
#include "ReviewProtobuf.h"

#include <cstdint>
#include <map>
#include <vector>

namespace democluster {

namespace {

// The length-delimited fields of one message by field number; varints and fixed-width fields are
// skipped because no field these reviews use has that wire type.
using Fields = std::multimap<int, std::string_view>;

bool readVarint(std::string_view& data, std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && !data.empty(); shift += 7) {
        const auto byte = static_cast<unsigned char>(data.front());
        data.remove_prefix(1);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

std::optional<Fields> parse(std::string_view data) {
    Fields fields;
    while (!data.empty()) {
        std::uint64_t key = 0;
        if (!readVarint(data, key))
            return std::nullopt;
        const int number = static_cast<int>(key >> 3);
        std::uint64_t length = 0;
        switch (key & 7) {
        case 0: // varint
            if (!readVarint(data, length))
                return std::nullopt;
            break;
        case 1: // 64-bit
        case 5: // 32-bit
            length = (key & 7) == 1 ? 8 : 4;
            if (data.size() < length)
                return std::nullopt;
            data.remove_prefix(length);
            break;
        case 2: // length-delimited
            if (!readVarint(data, length) || data.size() < length)
                return std::nullopt;
            fields.emplace(number, data.substr(0, length));
            data.remove_prefix(length);
            break;
        default:
            return std::nullopt;
        }
    }
    return fields;
}

std::string_view field(const Fields& fields, int number) {
    const auto found = fields.find(number);
    return found == fields.end() ? std::string_view() : found->second;
}

// Turns the named string fields of a message into a JSON object, leaving out empty ones as the
// JSON encoding's omitempty does.
std::optional<nlohmann::json> strings(std::string_view message,
                                      std::initializer_list<std::pair<int, const char*>> names) {
    const auto fields = parse(message);
    if (!fields)
        return std::nullopt;
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [number, name] : names) {
        const std::string_view value = field(*fields, number);
        if (!value.empty())
            object[name] = std::string(value);
    }
    return object;
}

} // namespace

std::optional<nlohmann::json> ReviewProtobuf::decode(std::string_view body) {
    constexpr std::string_view magic("k8s\0", 4);
    if (!body.starts_with(magic))
        return std::nullopt;
    const auto envelope = parse(body.substr(magic.size()));
    if (!envelope)
        return std::nullopt;
    const auto typeMeta = strings(field(*envelope, 1), {{1, "apiVersion"}, {2, "kind"}});
    const auto object = parse(field(*envelope, 2));
    if (!typeMeta || !object)
        return std::nullopt;
    nlohmann::json review = *typeMeta;
    const std::string kind = review.value("kind", std::string());
    if (kind == "SelfSubjectAccessReview") {
        const auto spec = parse(field(*object, 2));
        if (!spec)
            return std::nullopt;
        review["spec"] = nlohmann::json::object();
        if (spec->count(1)) {
            const auto attributes = strings(field(*spec, 1), {{1, "namespace"},
                                                              {2, "verb"},
                                                              {3, "group"},
                                                              {4, "version"},
                                                              {5, "resource"},
                                                              {6, "subresource"},
                                                              {7, "name"}});
            if (!attributes)
                return std::nullopt;
            review["spec"]["resourceAttributes"] = *attributes;
        }
        if (spec->count(2)) {
            const auto attributes = strings(field(*spec, 2), {{1, "path"}, {2, "verb"}});
            if (!attributes)
                return std::nullopt;
            review["spec"]["nonResourceAttributes"] = *attributes;
        }
    } else if (kind == "SelfSubjectRulesReview") {
        const auto spec = strings(field(*object, 2), {{1, "namespace"}});
        if (!spec)
            return std::nullopt;
        review["spec"] = *spec;
    } else if (kind != "SelfSubjectReview") {
        return std::nullopt;
    }
    return review;
}

} // namespace democluster

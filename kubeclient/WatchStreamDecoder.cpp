// SPDX-License-Identifier: Apache-2.0
#include "WatchStreamDecoder.h"

#include "JsonDepth.h"

#include <nlohmann/json.hpp>

namespace kube {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

} // namespace

bool WatchStreamDecoder::feed(std::string_view bytes, const EventHandler& onEvent)
{
    if (!m_error.empty())
        return false;
    std::size_t i = 0;
    // Between objects: skip blanks without buffering them, so idle streams keep an empty buffer.
    for (;;) {
        if (m_depth == 0) {
            while (i < bytes.size() && isSpace(bytes[i]))
                ++i;
            if (i == bytes.size())
                return true;
            if (bytes[i] != '{') {
                m_error = std::string("the watch stream holds something other than JSON objects (byte '") + bytes[i] + "')";
                return false;
            }
        }
        // Scan until this object closes or the input ends; only then copy, in one go.
        const std::size_t from = i;
        bool closed = false;
        for (; i < bytes.size(); ++i) {
            const char c = bytes[i];
            if (m_inString) {
                if (m_escaped)
                    m_escaped = false;
                else if (c == '\\')
                    m_escaped = true;
                else if (c == '"')
                    m_inString = false;
            } else if (c == '"') {
                m_inString = true;
            } else if (c == '{' || c == '[') {
                if (++m_depth > MaxJsonDepth) {
                    m_error = "a watch event is nested deeper than " + std::to_string(MaxJsonDepth) + " levels";
                    return false;
                }
            } else if (c == '}' || c == ']') {
                if (--m_depth == 0) {
                    ++i;
                    closed = true;
                    break;
                }
            }
        }
        m_buffer.append(bytes.substr(from, i - from));
        if (!closed)
            return true;
        if (!emit(onEvent))
            return false;
        m_buffer.clear();
    }
}

bool WatchStreamDecoder::emit(const EventHandler& onEvent)
{
    auto value = nlohmann::json::parse(m_buffer, nullptr, false);
    if (value.is_discarded()) {
        m_error = "a watch event is not valid JSON";
        return false;
    }
    const auto type = value.find("type");
    const auto object = value.find("object");
    if (type == value.end() || !type->is_string() || object == value.end() || !object->is_object()) {
        m_error = "a watch event has no type or no object";
        return false;
    }
    WatchEvent event;
    event.type = type->get<std::string>();
    event.object = std::make_shared<const nlohmann::json>(std::move(*object));
    onEvent(std::move(event));
    return true;
}

} // namespace kube

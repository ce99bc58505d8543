// SPDX-License-Identifier: Apache-2.0
#include "ApiError.h"

#include "JsonDepth.h"

#include <nlohmann/json.hpp>

#include <cstddef>

namespace kube {

namespace {

// How much of a body that is not a Status we keep: enough for the first line of an HTML error page
// or a proxy's complaint, short enough for one line in the UI.
constexpr std::size_t MaxBodyExcerpt = 300;

// The reason client-go assigns to an HTTP status when the body carries no Status
// (apimachinery's NewGenericServerResponse), so code can match on reason either way.
std::string reasonForStatus(long httpStatus)
{
    switch (httpStatus) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: break;
    }
    return httpStatus >= 500 ? "InternalError" : "Unknown";
}

// Cuts at a character boundary so a multi-byte UTF-8 sequence is never split.
std::string excerpt(std::string_view body)
{
    if (body.size() <= MaxBodyExcerpt)
        return std::string(body);
    std::size_t end = MaxBodyExcerpt;
    while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80)
        --end;
    return std::string(body.substr(0, end)) + "…";
}

// describe() is one line: newlines and tabs from HTML pages or multi-line messages become spaces,
// runs of blanks collapse.
std::string oneLine(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool blank = false;
    for (char c : text) {
        const bool isSpace = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
        if (isSpace) {
            blank = !out.empty();
            continue;
        }
        if (blank)
            out += ' ';
        blank = false;
        out += c;
    }
    return out;
}

// The URL should never carry credentials, but a kubeconfig server like https://user:pw@host would
// put them there; describe() is what ends up in logs, so drop any userinfo.
std::string withoutUserInfo(const std::string& url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    const auto authorityStart = scheme + 3;
    const auto authorityEnd = url.find_first_of("/?#", authorityStart);
    const auto at = url.rfind('@', authorityEnd == std::string::npos ? url.size() - 1 : authorityEnd);
    if (at == std::string::npos || at < authorityStart)
        return url;
    return url.substr(0, authorityStart) + url.substr(at + 1);
}

// Servers and proxies sometimes echo request headers into error pages; a bearer token must not
// travel from there into a log line.
std::string redactBearer(std::string text)
{
    static constexpr std::string_view Marker = "Bearer ";
    std::size_t pos = 0;
    while ((pos = text.find(Marker, pos)) != std::string::npos) {
        const auto start = pos + Marker.size();
        auto end = start;
        while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != '\'')
            ++end;
        text.replace(start, end - start, "<redacted>");
        pos = start;
    }
    return text;
}

} // namespace

std::string ApiError::describe() const
{
    std::string line;
    switch (kind) {
    case Kind::None:
        return "OK";
    case Kind::Api:
        line = std::to_string(httpStatus);
        if (!reason.empty())
            line += " " + reason;
        if (!message.empty())
            line += ": " + message;
        break;
    case Kind::Transport:
        line = "cannot reach the server: " + message;
        break;
    case Kind::Decode:
        line = "unreadable answer: " + message;
        break;
    case Kind::Cancelled:
        line = "cancelled";
        break;
    case Kind::Credential:
        line = "cannot get credentials: " + message;
        break;
    }
    if (!url.empty())
        line += " (" + (method.empty() ? std::string() : method + " ") + withoutUserInfo(url) + ")";
    return redactBearer(oneLine(line));
}

ApiError ApiError::fromHttp(long httpStatus, std::string_view body, std::string url)
{
    ApiError error;
    error.kind = Kind::Api;
    error.httpStatus = httpStatus;
    error.url = std::move(url);

    // allow_exceptions=false: a malformed body is expected here and simply is not a Status; nor is
    // one nested too deeply to handle safely.
    const auto json = nestedDeeperThan(body) ? nlohmann::json() : nlohmann::json::parse(body, nullptr, false);
    const auto text = [&json](const char* key) {
        if (!json.is_object())
            return std::string();
        const auto it = json.find(key);
        return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
    };

    const bool isStatus = text("kind") == "Status";
    if (isStatus) {
        error.reason = text("reason");
        error.message = text("message");
        if (const auto details = json.find("details"); details != json.end() && details->is_object()) {
            const auto field = [&details](const nlohmann::json& object, const char* key) {
                const auto it = object.find(key);
                return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            error.details.name = field(*details, "name");
            error.details.group = field(*details, "group");
            error.details.kind = field(*details, "kind");
            error.details.uid = field(*details, "uid");
            if (const auto causes = details->find("causes"); causes != details->end() && causes->is_array()) {
                for (const auto& cause : *causes) {
                    if (cause.is_object())
                        error.details.causes.push_back({field(cause, "reason"), field(cause, "message"), field(cause, "field")});
                }
            }
        }
    }
    if (error.reason.empty())
        error.reason = reasonForStatus(httpStatus);
    if (!isStatus)
        error.message = excerpt(body);
    return error;
}

ApiError ApiError::transport(std::string message, std::string url)
{
    ApiError error;
    error.kind = Kind::Transport;
    error.message = std::move(message);
    error.url = std::move(url);
    return error;
}

ApiError ApiError::credential(std::string message, std::string url)
{
    ApiError error;
    error.kind = Kind::Credential;
    error.message = std::move(message);
    error.url = std::move(url);
    return error;
}

ApiError ApiError::decode(std::string message, std::string url)
{
    ApiError error;
    error.kind = Kind::Decode;
    error.message = std::move(message);
    error.url = std::move(url);
    return error;
}

} // namespace kube

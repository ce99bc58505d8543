// SPDX-License-Identifier: Apache-2.0
#include "PrometheusClient.h"

#include "JsonDepth.h"
#include "KubeClient.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace kube {

namespace {

using nlohmann::json;

// A body that is JSON but not the shape Prometheus documents.
struct ShapeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Prometheus sends sample values as strings so that NaN and ±Inf survive JSON. std::from_chars
// is used rather than strtod because the GUI sets the process locale, and a German locale would
// read "1.5" as 1.
double parseValue(const std::string& text)
{
    if (text == "+Inf" || text == "Inf")
        return std::numeric_limits<double>::infinity();
    if (text == "-Inf")
        return -std::numeric_limits<double>::infinity();
    if (text == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end)
        throw ShapeError("sample value \"" + text + "\" is not a number");
    return value;
}

// [<time as a JSON number>, "<value>"]
PromSample parseSample(const json& pair)
{
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string())
        throw ShapeError("a sample is not [time, \"value\"]: " + pair.dump());
    return {pair[0].get<double>(), parseValue(pair[1].get<std::string>())};
}

PromSeries parseSeries(const json& item)
{
    if (!item.is_object())
        throw ShapeError("a series is not an object");
    PromSeries series;
    if (const auto metric = item.find("metric"); metric != item.end() && metric->is_object()) {
        for (const auto& [name, value] : metric->items()) {
            if (value.is_string())
                series.labels.emplace(name, value.get<std::string>());
        }
    }
    // A series of native histograms carries "histogram(s)" instead; it has no float samples to show.
    if (const auto value = item.find("value"); value != item.end())
        series.samples.push_back(parseSample(*value));
    if (const auto values = item.find("values"); values != item.end()) {
        if (!values->is_array())
            throw ShapeError("\"values\" is not a list");
        series.samples.reserve(values->size());
        for (const auto& pair : *values)
            series.samples.push_back(parseSample(pair));
    }
    return series;
}

void parseData(const json& data, PromResult& result)
{
    if (!data.is_object())
        throw ShapeError("\"data\" is missing");
    const auto type = data.find("resultType");
    const auto items = data.find("result");
    if (type == data.end() || !type->is_string() || items == data.end())
        throw ShapeError("\"data\" has no resultType or result");
    result.resultType = type->get<std::string>();
    if (result.resultType == "vector" || result.resultType == "matrix") {
        if (!items->is_array())
            throw ShapeError("the " + result.resultType + " result is not a list");
        result.series.reserve(items->size());
        for (const auto& item : *items)
            result.series.push_back(parseSeries(item));
    } else if (result.resultType == "scalar") {
        result.series.push_back({{}, {parseSample(*items)}});
    } else if (result.resultType == "string") {
        if (!items->is_array() || items->size() != 2 || !(*items)[0].is_number() || !(*items)[1].is_string())
            throw ShapeError("the string result is not [time, \"text\"]");
        result.text = (*items)[1].get<std::string>();
        result.series.push_back({{}, {{(*items)[0].get<double>(), std::numeric_limits<double>::quiet_NaN()}}});
    } else {
        throw ShapeError("unknown resultType \"" + result.resultType + "\"");
    }
}

std::string stringField(const json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Query parameters are percent-encoded except RFC 3986's unreserved characters, so PromQL's
// braces, quotes, spaces and "=~" arrive intact.
std::string encode(const std::string& text)
{
    static constexpr char Hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += Hex[c >> 4];
            out += Hex[c & 0x0F];
        }
    }
    return out;
}

// Shortest exact form and independent of the locale (no "1,5").
std::string number(double value)
{
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), ec == std::errc() ? end : buffer.data());
}

} // namespace

PromResult parsePrometheusResponse(long httpStatus, std::string_view body, const std::string& url)
{
    PromResult result;
    const bool success = httpStatus >= 200 && httpStatus < 300;
    if (nestedDeeperThan(body)) {
        result.error = ApiError::decode("the answer is nested deeper than " + std::to_string(MaxJsonDepth) + " levels", url);
        return result;
    }
    const json document = json::parse(body, nullptr, false);
    if (!document.is_object()) {
        // Not JSON at all: on an error status it is a proxy's or server's page, and fromHttp keeps
        // its start; on 2xx something other than Prometheus answered.
        result.error = success ? ApiError::decode("the answer is not a Prometheus JSON object", url)
                               : ApiError::fromHttp(httpStatus, body, url);
        return result;
    }
    // The API server's service proxy answers for Prometheus when it cannot reach it
    // ("no endpoints available for service ..."), with a Kubernetes Status.
    if (stringField(document, "kind") == "Status") {
        result.error = ApiError::fromHttp(success ? 500 : httpStatus, body, url);
        return result;
    }
    try {
        if (const auto warnings = document.find("warnings"); warnings != document.end() && warnings->is_array()) {
            for (const auto& warning : *warnings) {
                if (warning.is_string())
                    result.warnings.push_back(warning.get<std::string>());
            }
        }
        const std::string status = stringField(document, "status");
        if (status == "error") {
            // Prometheus's own error envelope (400 bad_data, 422 execution, 503 timeout/unavailable).
            result.error.kind = ApiError::Kind::Api;
            result.error.httpStatus = httpStatus;
            result.error.reason = stringField(document, "errorType");
            result.error.message = stringField(document, "error");
            result.error.url = url;
        } else if (status == "success") {
            const auto data = document.find("data");
            parseData(data != document.end() ? *data : json(), result);
        } else if (!success) {
            result.error = ApiError::fromHttp(httpStatus, body, url);
        } else {
            throw ShapeError("no \"status\" of success or error");
        }
    } catch (const ShapeError& e) {
        result.error = ApiError::decode(std::string("not a Prometheus query result: ") + e.what(), url);
    }
    if (!result.error.ok()) {
        result.resultType.clear();
        result.series.clear();
        result.text.clear();
    }
    return result;
}

PrometheusClient::PrometheusClient(KubeClient& client, std::string proxyPath)
    : m_client(client)
    , m_proxyPath(std::move(proxyPath))
{
}

namespace {

ClusterConnection directConnection(const PrometheusEndpoint& endpoint)
{
    ClusterConnection connection;
    connection.server = endpoint.url;
    while (connection.server.ends_with('/'))
        connection.server.pop_back();
    connection.bearerToken = endpoint.bearerToken;
    connection.caPem = endpoint.caPem;
    connection.insecureSkipTlsVerify = endpoint.insecureSkipTlsVerify;
    return connection;
}

} // namespace

PrometheusClient::PrometheusClient(const PrometheusEndpoint& endpoint, Executor deliver)
    : m_ownClient(std::make_unique<KubeClient>(directConnection(endpoint), std::move(deliver), ClientOptions{0, 1}))
    , m_client(*m_ownClient)
{
}

PrometheusClient::~PrometheusClient() = default;

RequestId PrometheusClient::query(const std::string& promql, Callback callback)
{
    return run("/api/v1/query?query=" + encode(promql), std::move(callback));
}

RequestId PrometheusClient::queryRange(const std::string& promql, double start, double end, double step,
                                       Callback callback)
{
    return run("/api/v1/query_range?query=" + encode(promql) + "&start=" + number(start) + "&end=" + number(end) +
                   "&step=" + number(step),
               std::move(callback));
}

void PrometheusClient::cancel(RequestId id)
{
    m_client.cancel(id);
}

RequestId PrometheusClient::run(const std::string& pathAndQuery, Callback callback)
{
    HttpRequest request;
    request.url = m_client.url(m_proxyPath + pathAndQuery);
    request.headers = {"Accept: application/json"};
    // The callback may outlive this object, so nothing here captures `this`.
    auto parse = [url = request.url, callback = std::move(callback)](HttpResponse response) {
        PromResult result;
        if (!response.credentialError.empty())
            result.error = ApiError::credential(std::move(response.credentialError), url);
        else if (response.status == 0)
            result.error = ApiError::transport(std::move(response.transportError), url);
        else
            result = parsePrometheusResponse(response.status, response.body, url);
        if (result.error)
            result.error.method = "GET";
        return [callback, result = std::move(result)] { callback(result); };
    };
    return m_client.sendParsed(std::move(request), std::move(parse));
}

} // namespace kube

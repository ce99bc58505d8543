// SPDX-License-Identifier: Apache-2.0
#include "PrometheusClient.h"

#include "JsonDepth.h"
#include "KubeClient.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

namespace kube {

namespace {

using nlohmann::json;

// Prometheus sends sample values as strings so that NaN and ±Inf survive JSON. std::from_chars
// is used rather than strtod because the GUI sets the process locale, and a German locale would
// read "1.5" as 1.
std::optional<double> parseValue(std::string_view text)
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
        return std::nullopt;
    return value;
}

bool isKnownResultType(const std::string& type)
{
    return type == "vector" || type == "matrix" || type == "scalar" || type == "string";
}

// Reads a Prometheus answer event by event (nlohmann::json's SAX interface) straight into series.
// Building the whole document first cost ~150 MB per large answer of a 2,000-service mesh, on
// the I/O thread, and glibc kept those freed pages in that thread's arena (issue 5).
//
// It accepts and rejects exactly what reading the document would: a wrong shape is remembered
// (the first one in document order, a series' "value" before its "values") and the rest is still
// read, because a later "status", "kind" or a duplicate key (the last one wins) decides the outcome.
class ResponseReader {
public:
    // Prometheus sends "resultType" before "result", so the result is read as it streams by. A
    // server that sends them the other way round gets its body read a second time, with the type
    // given here.
    explicit ResponseReader(std::string resultTypeToAssume = {})
        : m_assumedType(std::move(resultTypeToAssume))
    {
    }

    bool null() { return scalar({}); }
    bool boolean(bool) { return scalar({}); }
    bool number_integer(json::number_integer_t value) { return scalar({Scalar::Number, double(value)}); }
    bool number_unsigned(json::number_unsigned_t value) { return scalar({Scalar::Number, double(value)}); }
    bool number_float(json::number_float_t value, const std::string&) { return scalar({Scalar::Number, value}); }
    bool string(std::string& value) { return scalar({Scalar::String, 0, &value}); }
    bool binary(json::binary_t&) { return scalar({}); }
    bool start_object(std::size_t) { return open(true); }
    bool start_array(std::size_t) { return open(false); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string& name);
    bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

    // Fields of the envelope; one that is missing or not a string reads as empty.
    std::string kind, status, errorType, error;
    std::vector<std::string> warnings;

    // Empty when "data" holds a result of a known type that was read without fault.
    std::string dataError() const;
    // The result was read as another type than the one "resultType" finally names.
    bool needsTypeToAssume() const;
    std::string resultType() const { return m_data.resultType.value_or(std::string()); }
    void takeResult(PromResult& result);

private:
    struct Scalar {
        enum Type { Other, Number, String } type = Other;
        double number = 0;
        std::string* text = nullptr;
    };
    // What the next value is, from where the reader stands.
    enum class Slot { Ignore, Kind, Status, ErrorType, Error, Warnings, Warning, Data, ResultType, Result,
                      Series, Metric, Label, SeriesValue, Values, ValuesItem, SampleItem };
    enum class Key { Other, Kind, Status, ErrorType, Error, Warnings, Data, ResultType, Result, Metric, Value, Values };
    enum class FrameType { Top, Data, Warnings, Result, Series, Metric, Values, Sample };
    struct Frame {
        FrameType type;
        Key key = Key::Other;
    };
    // Where a [time, "value"] pair ends up.
    enum class SampleUse { SeriesValue, ValuesItem, Scalar, String };

    struct DataState {
        bool isObject = false;
        std::optional<std::string> resultType;
        bool hasResult = false;
        std::string readAs; // the type the result was read as; empty: skipped
        std::string resultError;
        std::vector<PromSeries> series;
        std::string text;
    };
    struct SeriesState {
        std::map<std::string, std::string> labels;
        std::optional<PromSample> value;
        std::vector<PromSample> values;
        std::string valueError, valuesError;
    };
    struct SampleState {
        SampleUse use = SampleUse::SeriesValue;
        int count = 0;
        bool shapeOk = true;
        PromSample sample;
        std::string text;       // a "string" result's text
        std::string valueError; // reported only when the shape is right
    };

    Slot slot() const;
    bool scalar(Scalar value);
    bool open(bool isObject);
    bool close();
    void skip() { m_skip = 1; }
    void resultFault(std::string message);
    void beginSample(SampleUse use);
    void sampleItem(const Scalar& value);
    void finishSample();
    void finishSeries();
    static std::string shapeMessage(SampleUse use);

    std::string m_assumedType;
    std::vector<Frame> m_frames;
    int m_skip = 0; // depth inside a value nobody reads
    bool m_started = false;
    std::string m_label;
    DataState m_data;
    SeriesState m_series;
    SampleState m_sample;
    std::size_t m_samplesHint = 0; // the last series' length: matrix series are mostly alike
};

bool ResponseReader::key(std::string& name)
{
    if (m_skip > 0)
        return true;
    Frame& frame = m_frames.back();
    switch (frame.type) {
    case FrameType::Top:
        frame.key = name == "kind" ? Key::Kind
            : name == "status"     ? Key::Status
            : name == "errorType"  ? Key::ErrorType
            : name == "error"      ? Key::Error
            : name == "warnings"   ? Key::Warnings
            : name == "data"       ? Key::Data
                                   : Key::Other;
        if (frame.key == Key::Warnings)
            warnings.clear();
        else if (frame.key == Key::Data)
            m_data = {};
        break;
    case FrameType::Data:
        frame.key = name == "resultType" ? Key::ResultType : name == "result" ? Key::Result : Key::Other;
        if (frame.key == Key::ResultType) {
            m_data.resultType.reset();
        } else if (frame.key == Key::Result) {
            m_data.hasResult = true;
            m_data.readAs = !m_assumedType.empty() ? m_assumedType : m_data.resultType.value_or(std::string());
            m_data.resultError.clear();
            m_data.series.clear();
            m_data.text.clear();
        }
        break;
    case FrameType::Series:
        frame.key = name == "metric" ? Key::Metric : name == "value" ? Key::Value : name == "values" ? Key::Values : Key::Other;
        if (frame.key == Key::Metric) {
            m_series.labels.clear();
        } else if (frame.key == Key::Value) {
            m_series.value.reset();
            m_series.valueError.clear();
        } else if (frame.key == Key::Values) {
            m_series.values.clear();
            m_series.valuesError.clear();
        }
        break;
    case FrameType::Metric:
        m_label = std::move(name);
        break;
    default:
        break;
    }
    return true;
}

ResponseReader::Slot ResponseReader::slot() const
{
    const Frame& frame = m_frames.back();
    switch (frame.type) {
    case FrameType::Top:
        switch (frame.key) {
        case Key::Kind: return Slot::Kind;
        case Key::Status: return Slot::Status;
        case Key::ErrorType: return Slot::ErrorType;
        case Key::Error: return Slot::Error;
        case Key::Warnings: return Slot::Warnings;
        case Key::Data: return Slot::Data;
        default: return Slot::Ignore;
        }
    case FrameType::Warnings: return Slot::Warning;
    case FrameType::Data:
        return frame.key == Key::ResultType ? Slot::ResultType : frame.key == Key::Result ? Slot::Result : Slot::Ignore;
    case FrameType::Result: return Slot::Series;
    case FrameType::Series:
        return frame.key == Key::Metric ? Slot::Metric
            : frame.key == Key::Value   ? Slot::SeriesValue
            : frame.key == Key::Values  ? Slot::Values
                                        : Slot::Ignore;
    case FrameType::Metric: return Slot::Label;
    case FrameType::Values: return Slot::ValuesItem;
    case FrameType::Sample: return Slot::SampleItem;
    }
    return Slot::Ignore;
}

bool ResponseReader::scalar(Scalar value)
{
    if (m_skip > 0)
        return true;
    if (!m_started)
        return false; // not an object: nothing more to learn
    const auto text = [&] { return value.type == Scalar::String ? std::move(*value.text) : std::string(); };
    switch (slot()) {
    case Slot::Kind: kind = text(); break;
    case Slot::Status: status = text(); break;
    case Slot::ErrorType: errorType = text(); break;
    case Slot::Error: error = text(); break;
    case Slot::Warning:
        if (value.type == Scalar::String)
            warnings.push_back(std::move(*value.text));
        break;
    case Slot::ResultType:
        if (value.type == Scalar::String)
            m_data.resultType = std::move(*value.text);
        break;
    case Slot::Result:
        if (m_data.readAs == "vector" || m_data.readAs == "matrix")
            resultFault("the " + m_data.readAs + " result is not a list");
        else if (m_data.readAs == "scalar")
            resultFault(shapeMessage(SampleUse::Scalar));
        else if (m_data.readAs == "string")
            resultFault(shapeMessage(SampleUse::String));
        break;
    case Slot::Series: resultFault("a series is not an object"); break;
    case Slot::Label:
        if (value.type == Scalar::String)
            m_series.labels.insert_or_assign(std::move(m_label), std::move(*value.text));
        else
            m_series.labels.erase(m_label);
        break;
    case Slot::SeriesValue: m_series.valueError = shapeMessage(SampleUse::SeriesValue); break;
    case Slot::Values: m_series.valuesError = "\"values\" is not a list"; break;
    case Slot::ValuesItem:
        if (m_series.valuesError.empty())
            m_series.valuesError = shapeMessage(SampleUse::ValuesItem);
        break;
    case Slot::SampleItem: sampleItem(value); break;
    case Slot::Data: // not an object: m_data stays as reset by its key
    case Slot::Warnings:
    case Slot::Metric:
    case Slot::Ignore: break;
    }
    return true;
}

bool ResponseReader::open(bool isObject)
{
    if (m_skip > 0) {
        ++m_skip;
        return true;
    }
    if (!m_started) {
        m_started = true;
        if (!isObject)
            return false;
        m_frames.push_back({FrameType::Top});
        return true;
    }
    switch (slot()) {
    case Slot::Data:
        if (!isObject)
            break;
        m_data.isObject = true;
        m_frames.push_back({FrameType::Data});
        return true;
    case Slot::Warnings:
        if (isObject)
            break;
        m_frames.push_back({FrameType::Warnings});
        return true;
    case Slot::Result:
        if (!isObject && (m_data.readAs == "vector" || m_data.readAs == "matrix")) {
            m_frames.push_back({FrameType::Result});
            return true;
        }
        if (!isObject && (m_data.readAs == "scalar" || m_data.readAs == "string")) {
            beginSample(m_data.readAs == "scalar" ? SampleUse::Scalar : SampleUse::String);
            return true;
        }
        scalar({}); // the same fault as any other value that is not a list
        break;
    case Slot::Series:
        if (!isObject || !m_data.resultError.empty()) {
            scalar({});
            break;
        }
        m_series.labels.clear();
        m_series.value.reset();
        m_series.values.clear();
        m_series.valueError.clear();
        m_series.valuesError.clear();
        m_frames.push_back({FrameType::Series});
        return true;
    case Slot::Metric:
        if (!isObject)
            break;
        m_frames.push_back({FrameType::Metric});
        return true;
    case Slot::Label:
        m_series.labels.erase(m_label);
        break;
    case Slot::SeriesValue:
    case Slot::ValuesItem:
        if (isObject) {
            scalar({});
            break;
        }
        beginSample(slot() == Slot::SeriesValue ? SampleUse::SeriesValue : SampleUse::ValuesItem);
        return true;
    case Slot::Values:
        if (isObject) {
            scalar({});
            break;
        }
        m_series.values.reserve(m_samplesHint);
        m_frames.push_back({FrameType::Values});
        return true;
    case Slot::SampleItem:
        ++m_sample.count;
        m_sample.shapeOk = false;
        break;
    default:
        break;
    }
    skip();
    return true;
}

bool ResponseReader::close()
{
    if (m_skip > 0) {
        --m_skip;
        return true;
    }
    const FrameType type = m_frames.back().type;
    m_frames.pop_back();
    if (type == FrameType::Sample)
        finishSample();
    else if (type == FrameType::Series)
        finishSeries();
    return true;
}

void ResponseReader::resultFault(std::string message)
{
    if (m_data.resultError.empty())
        m_data.resultError = std::move(message);
}

std::string ResponseReader::shapeMessage(SampleUse use)
{
    return use == SampleUse::String ? "the string result is not [time, \"text\"]" : "a sample is not [time, \"value\"]";
}

void ResponseReader::beginSample(SampleUse use)
{
    m_sample.use = use;
    m_sample.count = 0;
    m_sample.shapeOk = true;
    m_sample.sample = {};
    m_sample.text.clear();
    m_sample.valueError.clear();
    m_frames.push_back({FrameType::Sample});
}

void ResponseReader::sampleItem(const Scalar& value)
{
    const int index = m_sample.count++;
    if (index == 0 && value.type == Scalar::Number) {
        m_sample.sample.time = value.number;
    } else if (index == 1 && value.type == Scalar::String) {
        if (m_sample.use == SampleUse::String) {
            m_sample.text = std::move(*value.text);
            m_sample.sample.value = std::numeric_limits<double>::quiet_NaN();
        } else if (const auto parsed = parseValue(*value.text)) {
            m_sample.sample.value = *parsed;
        } else {
            m_sample.valueError = "sample value \"" + *value.text + "\" is not a number";
        }
    } else {
        m_sample.shapeOk = false;
    }
}

void ResponseReader::finishSample()
{
    std::string fault = m_sample.shapeOk && m_sample.count == 2 ? std::move(m_sample.valueError) : shapeMessage(m_sample.use);
    switch (m_sample.use) {
    case SampleUse::SeriesValue:
        if (fault.empty())
            m_series.value = m_sample.sample;
        else
            m_series.valueError = std::move(fault);
        break;
    case SampleUse::ValuesItem:
        if (fault.empty())
            m_series.values.push_back(m_sample.sample);
        else if (m_series.valuesError.empty())
            m_series.valuesError = std::move(fault);
        break;
    case SampleUse::Scalar:
    case SampleUse::String:
        if (!fault.empty()) {
            resultFault(std::move(fault));
            break;
        }
        m_data.text = std::move(m_sample.text);
        m_data.series.push_back({{}, {m_sample.sample}});
        break;
    }
}

void ResponseReader::finishSeries()
{
    std::string fault = !m_series.valueError.empty() ? std::move(m_series.valueError) : std::move(m_series.valuesError);
    if (!fault.empty()) {
        resultFault(std::move(fault));
        return;
    }
    m_samplesHint = m_series.values.size();
    PromSeries series{std::move(m_series.labels), std::move(m_series.values)};
    if (m_series.value)
        series.samples.insert(series.samples.begin(), *m_series.value);
    m_data.series.push_back(std::move(series));
}

std::string ResponseReader::dataError() const
{
    if (!m_data.isObject)
        return "\"data\" is missing";
    if (!m_data.resultType || !m_data.hasResult)
        return "\"data\" has no resultType or result";
    if (!isKnownResultType(*m_data.resultType))
        return "unknown resultType \"" + *m_data.resultType + "\"";
    return m_data.resultError;
}

bool ResponseReader::needsTypeToAssume() const
{
    return m_data.isObject && m_data.resultType && m_data.hasResult && isKnownResultType(*m_data.resultType) &&
        m_data.readAs != *m_data.resultType;
}

void ResponseReader::takeResult(PromResult& result)
{
    result.resultType = std::move(*m_data.resultType);
    result.series = std::move(m_data.series);
    result.text = std::move(m_data.text);
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
    ResponseReader reader;
    if (!json::sax_parse(body, &reader)) {
        // Not JSON at all: on an error status it is a proxy's or server's page, and fromHttp keeps
        // its start; on 2xx something other than Prometheus answered.
        result.error = success ? ApiError::decode("the answer is not a Prometheus JSON object", url)
                               : ApiError::fromHttp(httpStatus, body, url);
        return result;
    }
    // The API server's service proxy answers for Prometheus when it cannot reach it
    // ("no endpoints available for service ..."), with a Kubernetes Status.
    if (reader.kind == "Status") {
        result.error = ApiError::fromHttp(success ? 500 : httpStatus, body, url);
        return result;
    }
    result.warnings = std::move(reader.warnings);
    if (reader.status == "error") {
        // Prometheus's own error envelope (400 bad_data, 422 execution, 503 timeout/unavailable).
        result.error.kind = ApiError::Kind::Api;
        result.error.httpStatus = httpStatus;
        result.error.reason = std::move(reader.errorType);
        result.error.message = std::move(reader.error);
        result.error.url = url;
    } else if (reader.status == "success") {
        if (reader.needsTypeToAssume()) {
            ResponseReader again(reader.resultType());
            json::sax_parse(body, &again); // the same text: it parses again
            reader = std::move(again);
        }
        if (const std::string fault = reader.dataError(); !fault.empty())
            result.error = ApiError::decode("not a Prometheus query result: " + fault, url);
        else
            reader.takeResult(result);
    } else if (!success) {
        result.error = ApiError::fromHttp(httpStatus, body, url);
    } else {
        result.error = ApiError::decode("not a Prometheus query result: no \"status\" of success or error", url);
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

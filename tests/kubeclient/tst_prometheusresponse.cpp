// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/PrometheusClient.h"

#include <QTest>

#include <cmath>

using kube::ApiError;
using kube::PromResult;

class TestPrometheusResponse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void vectorLabelsAndValues();
    void matrixSamples();
    void scalarAndString();
    void labelsAsTheDocumentHasThem();
    void specialValues_data();
    void specialValues();
};

namespace {

const char* Url = "https://c/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up";

const QByteArray Vector = R"({"status":"success","data":{"resultType":"vector","result":[
{"metric":{"destination_workload":"reviews-v1","destination_version":"v1"},"value":[1732612345.123,"12.5"]},
{"metric":{"destination_workload":"reviews-v2","destination_version":"v2"},"value":[1732612345.123,"3"]}]}})";

const QByteArray Matrix = R"({"status":"success","data":{"resultType":"matrix","result":[
{"metric":{"__name__":"istio_requests_total","response_code":"200"},"values":[[1732612300,"1"],[1732612315,"1.5"],[1732612330,"NaN"]]},
{"metric":{"response_code":"503"},"values":[[1732612300,"0"]]}]}})";

} // namespace

void TestPrometheusResponse::parse_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ApiError::Kind>("errorKind");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<QByteArray>("messageFragment");
    QTest::addColumn<QByteArray>("resultType");
    QTest::addColumn<int>("seriesCount");
    QTest::addColumn<int>("warningCount");

    const auto none = ApiError::Kind::None;
    QTest::newRow("vector") << 200 << Vector << none << QByteArray() << QByteArray() << QByteArray("vector") << 2 << 0;
    QTest::newRow("empty vector") << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[]}})")
                                  << none << QByteArray() << QByteArray() << QByteArray("vector") << 0 << 0;
    QTest::newRow("matrix") << 200 << Matrix << none << QByteArray() << QByteArray() << QByteArray("matrix") << 2 << 0;
    QTest::newRow("scalar") << 200 << QByteArray(R"({"status":"success","data":{"resultType":"scalar","result":[1732612345.5,"42"]}})")
                            << none << QByteArray() << QByteArray() << QByteArray("scalar") << 1 << 0;
    QTest::newRow("warnings") << 200
                              << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[]},)"
                                            R"("warnings":["PromQL info: metric might not be a counter, name does not end in _total",)"
                                            R"("query was truncated"]})")
                              << none << QByteArray() << QByteArray() << QByteArray("vector") << 0 << 2;
    QTest::newRow("native histogram series has no float samples")
        << 200
        << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":)"
                      R"([1732612345,{"count":"3","sum":"2","buckets":[[0,"0.5","1","3"]]}]}]}})")
        << none << QByteArray() << QByteArray() << QByteArray("vector") << 1 << 0;
    QTest::newRow("bad_data envelope")
        << 400
        << QByteArray(R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected \"}\""})")
        << ApiError::Kind::Api << QByteArray("bad_data") << QByteArray(R"(1:5: parse error: unexpected "}")")
        << QByteArray() << 0 << 0;
    QTest::newRow("execution envelope with warnings")
        << 422
        << QByteArray(R"({"status":"error","errorType":"execution","error":"query processing would load too many samples",)"
                      R"("warnings":["partial"]})")
        << ApiError::Kind::Api << QByteArray("execution") << QByteArray("too many samples") << QByteArray() << 0 << 1;
    QTest::newRow("timeout envelope") << 503 << QByteArray(R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})")
                                      << ApiError::Kind::Api << QByteArray("timeout") << QByteArray("query timed out")
                                      << QByteArray() << 0 << 0;
    QTest::newRow("k8s Status from the service proxy")
        << 503
        << QByteArray(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                      R"("message":"no endpoints available for service \"prometheus:9090\"","reason":"ServiceUnavailable","code":503})")
        << ApiError::Kind::Api << QByteArray("ServiceUnavailable")
        << QByteArray(R"(no endpoints available for service "prometheus:9090")") << QByteArray() << 0 << 0;
    QTest::newRow("k8s Forbidden from the service proxy")
        << 403
        << QByteArray(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)"
                      R"("services \"prometheus:9090\" is forbidden: User \"bob\" cannot get resource \"services/proxy\"",)"
                      R"("reason":"Forbidden","code":403})")
        << ApiError::Kind::Api << QByteArray("Forbidden") << QByteArray("cannot get resource \"services/proxy\"")
        << QByteArray() << 0 << 0;
    QTest::newRow("HTML from a proxy") << 502 << QByteArray("<html><body>Bad Gateway</body></html>") << ApiError::Kind::Api
                                       << QByteArray("InternalError") << QByteArray("Bad Gateway") << QByteArray() << 0 << 0;
    QTest::newRow("malformed JSON on 200") << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vec)")
                                           << ApiError::Kind::Decode << QByteArray() << QByteArray("not a Prometheus JSON object")
                                           << QByteArray() << 0 << 0;
    QTest::newRow("value is not a number") << 200
                                           << QByteArray(R"({"status":"success","data":{"resultType":"scalar","result":[1,"abc"]}})")
                                           << ApiError::Kind::Decode << QByteArray() << QByteArray("\"abc\" is not a number")
                                           << QByteArray() << 0 << 0;
    QTest::newRow("sample is not a pair") << 200
                                          << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}})")
                                          << ApiError::Kind::Decode << QByteArray() << QByteArray("not [time, \"value\"]")
                                          << QByteArray() << 0 << 0;
    // Found by fuzz/fuzz_prometheus: copying such a document overflowed the stack.
    QTest::newRow("nested too deep") << 200
                                     << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":)")
            + QByteArray(50000, '[') + QByteArray(50000, ']') + QByteArray("}]}}")
                                     << ApiError::Kind::Decode << QByteArray() << QByteArray("nested deeper than 1000 levels")
                                     << QByteArray() << 0 << 0;
    QTest::newRow("no data") << 200 << QByteArray(R"({"status":"success"})") << ApiError::Kind::Decode << QByteArray()
                             << QByteArray("\"data\" is missing") << QByteArray() << 0 << 0;
    QTest::newRow("unknown result type") << 200 << QByteArray(R"({"status":"success","data":{"resultType":"table","result":[]}})")
                                         << ApiError::Kind::Decode << QByteArray() << QByteArray("unknown resultType \"table\"")
                                         << QByteArray() << 0 << 0;
    QTest::newRow("JSON without status on 200") << 200 << QByteArray(R"({"hello":"world"})") << ApiError::Kind::Decode
                                                << QByteArray() << QByteArray("no \"status\"") << QByteArray() << 0 << 0;
    // The answer is read as it streams (SAX), so the order of keys must not matter, nor must
    // keys nobody reads, however nested; a later key decides as it did in the whole document.
    QTest::newRow("data before status")
        << 200 << QByteArray(R"({"data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]},"status":"success"})")
        << none << QByteArray() << QByteArray() << QByteArray("vector") << 1 << 0;
    QTest::newRow("warnings before status and data")
        << 200 << QByteArray(R"({"warnings":["w"],"data":{"resultType":"matrix","result":[]},"status":"success"})")
        << none << QByteArray() << QByteArray() << QByteArray("matrix") << 0 << 1;
    QTest::newRow("result before resultType")
        << 200 << QByteArray(R"({"status":"success","data":{"result":[{"value":[1,"2"],"metric":{"a":"b"}},{"metric":{}}],"resultType":"vector"}})")
        << none << QByteArray() << QByteArray() << QByteArray("vector") << 2 << 0;
    QTest::newRow("scalar before its resultType")
        << 200 << QByteArray(R"({"status":"success","data":{"result":[1732612345.5,"42"],"resultType":"scalar"}})")
        << none << QByteArray() << QByteArray() << QByteArray("scalar") << 1 << 0;
    QTest::newRow("bad scalar before its resultType")
        << 200 << QByteArray(R"({"status":"success","data":{"result":[1732612345.5,"x"],"resultType":"scalar"}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("\"x\" is not a number") << QByteArray() << 0 << 0;
    QTest::newRow("resultType named again after the result")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[1,"2"],"resultType":"scalar"}})")
        << none << QByteArray() << QByteArray() << QByteArray("scalar") << 1 << 0;
    QTest::newRow("unknown keys with nested values")
        << 200
        << QByteArray(R"({"status":"success","stats":{"data":{"resultType":"table"},"status":"error","warnings":[["x"]]},)"
                      R"("data":{"resultType":"vector","stats":{"timings":[1,{"result":[]}]},"result":[)"
                      R"({"metric":{"x":{"y":[1,"2"]},"job":"a"},"histograms":[[1,{"count":"1"}]],"value":[1,"2"],"exemplars":[{"value":"1"}]}]}})")
        << none << QByteArray() << QByteArray() << QByteArray("vector") << 1 << 0;
    QTest::newRow("last data wins")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]},"data":{"resultType":"matrix","result":[]}})")
        << none << QByteArray() << QByteArray() << QByteArray("matrix") << 0 << 0;
    QTest::newRow("last status wins")
        << 200 << QByteArray(R"({"status":"error","status":"success","data":{"resultType":"vector","result":[]}})")
        << none << QByteArray() << QByteArray() << QByteArray("vector") << 0 << 0;
    QTest::newRow("error envelope after a malformed data")
        << 400 << QByteArray(R"({"data":{"resultType":"vector","result":7},"status":"error","errorType":"bad_data","error":"bad query"})")
        << ApiError::Kind::Api << QByteArray("bad_data") << QByteArray("bad query") << QByteArray() << 0 << 0;
    QTest::newRow("k8s Status named last")
        << 503 << QByteArray(R"({"status":"Failure","message":"no endpoints","reason":"ServiceUnavailable","code":503,"kind":"Status"})")
        << ApiError::Kind::Api << QByteArray("ServiceUnavailable") << QByteArray("no endpoints") << QByteArray() << 0 << 0;
    QTest::newRow("truncated in a series")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"2"]},{"metric":{"a")")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("not a Prometheus JSON object") << QByteArray() << 0 << 0;
    QTest::newRow("truncated after a wrong shape")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[7,)")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("not a Prometheus JSON object") << QByteArray() << 0 << 0;
    QTest::newRow("trailing garbage")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[]}} x)")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("not a Prometheus JSON object") << QByteArray() << 0 << 0;
    QTest::newRow("a list, not an object") << 200 << QByteArray(R"([{"status":"success"}])") << ApiError::Kind::Decode
                                           << QByteArray() << QByteArray("not a Prometheus JSON object") << QByteArray() << 0 << 0;
    QTest::newRow("data is not an object") << 200 << QByteArray(R"({"status":"success","data":[]})") << ApiError::Kind::Decode
                                           << QByteArray() << QByteArray("\"data\" is missing") << QByteArray() << 0 << 0;
    QTest::newRow("no result") << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector"}})")
                               << ApiError::Kind::Decode << QByteArray() << QByteArray("no resultType or result")
                               << QByteArray() << 0 << 0;
    QTest::newRow("resultType is not a string")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":1,"result":[]}})") << ApiError::Kind::Decode
        << QByteArray() << QByteArray("no resultType or result") << QByteArray() << 0 << 0;
    QTest::newRow("vector result is an object")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":{"metric":{}}}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("the vector result is not a list") << QByteArray() << 0 << 0;
    QTest::newRow("series is not an object")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"2"]},[1,"2"]]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("a series is not an object") << QByteArray() << 0 << 0;
    QTest::newRow("values is not a list")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":[{"values":{"a":1}}]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("\"values\" is not a list") << QByteArray() << 0 << 0;
    QTest::newRow("value's fault before values', whatever the order")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"x"]],"value":[1,"y"]}]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("\"y\" is not a number") << QByteArray() << 0 << 0;
    QTest::newRow("the first series' fault")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"2"],[1,"a"],[2,"b"]]},{"value":[1,"c"]}]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("\"a\" is not a number") << QByteArray() << 0 << 0;
    QTest::newRow("sample of three")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"x",3]}]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("not [time, \"value\"]") << QByteArray() << 0 << 0;
    QTest::newRow("sample time is a string")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[["1","2"]]}]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("not [time, \"value\"]") << QByteArray() << 0 << 0;
    QTest::newRow("sample holds a list")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,["2"]]}]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("not [time, \"value\"]") << QByteArray() << 0 << 0;
    QTest::newRow("string result of one")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"string","result":[1]}})")
        << ApiError::Kind::Decode << QByteArray() << QByteArray("the string result is not [time, \"text\"]") << QByteArray() << 0 << 0;
    QTest::newRow("warnings that are not strings are skipped")
        << 200 << QByteArray(R"({"status":"success","warnings":["a",1,{"b":["c"]},["d"],"e"],"data":{"resultType":"vector","result":[]}})")
        << none << QByteArray() << QByteArray() << QByteArray("vector") << 0 << 2;
    QTest::newRow("JSON without status on 404") << 404 << QByteArray(R"({"hello":"world"})") << ApiError::Kind::Api
                                                << QByteArray("NotFound") << QByteArray("hello") << QByteArray() << 0 << 0;
}

void TestPrometheusResponse::parse()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ApiError::Kind, errorKind);
    QFETCH(QByteArray, reason);
    QFETCH(QByteArray, messageFragment);
    QFETCH(QByteArray, resultType);
    QFETCH(int, seriesCount);
    QFETCH(int, warningCount);

    const PromResult result = kube::parsePrometheusResponse(status, body.toStdString(), Url);
    QCOMPARE(result.error.kind, errorKind);
    QCOMPARE(result.error.reason, str(reason));
    QVERIFY2(result.error.message.find(str(messageFragment)) != std::string::npos, result.error.message.c_str());
    if (!result.error.ok()) {
        QCOMPARE(result.error.url, std::string(Url));
        QCOMPARE(result.error.httpStatus, long(status == 200 ? 0 : status));
    }
    QCOMPARE(result.resultType, str(resultType));
    QCOMPARE(int(result.series.size()), seriesCount);
    QCOMPARE(int(result.warnings.size()), warningCount);
}

void TestPrometheusResponse::vectorLabelsAndValues()
{
    const PromResult result = kube::parsePrometheusResponse(200, Vector.toStdString(), Url);
    QVERIFY(result.error.ok());
    QCOMPARE(result.series[0].labels.at("destination_workload"), std::string("reviews-v1"));
    QCOMPARE(result.series[0].labels.at("destination_version"), std::string("v1"));
    QCOMPARE(result.series[0].samples.size(), std::size_t(1));
    QCOMPARE(result.series[0].samples[0].time, 1732612345.123);
    QCOMPARE(result.series[0].samples[0].value, 12.5);
    QCOMPARE(result.series[1].samples[0].value, 3.0);
}

void TestPrometheusResponse::matrixSamples()
{
    const PromResult result = kube::parsePrometheusResponse(200, Matrix.toStdString(), Url);
    QVERIFY(result.error.ok());
    QCOMPARE(result.series[0].labels.at("__name__"), std::string("istio_requests_total"));
    const auto& samples = result.series[0].samples;
    QCOMPARE(samples.size(), std::size_t(3));
    QCOMPARE(samples[0].time, 1732612300.0);
    QCOMPARE(samples[1].time, 1732612315.0);
    QCOMPARE(samples[1].value, 1.5);
    QVERIFY(std::isnan(samples[2].value));
    QCOMPARE(result.series[1].samples.size(), std::size_t(1));
}

void TestPrometheusResponse::scalarAndString()
{
    const PromResult scalar = kube::parsePrometheusResponse(
        200, R"({"status":"success","data":{"resultType":"scalar","result":[1732612345.5,"42"]}})", Url);
    QVERIFY(scalar.series[0].labels.empty());
    QCOMPARE(scalar.series[0].samples[0].time, 1732612345.5);
    QCOMPARE(scalar.series[0].samples[0].value, 42.0);

    const PromResult text = kube::parsePrometheusResponse(
        200, R"({"status":"success","data":{"resultType":"string","result":[1732612345,"hello"]}})", Url);
    QVERIFY(text.error.ok());
    QCOMPARE(text.resultType, std::string("string"));
    QCOMPARE(text.text, std::string("hello"));
    QCOMPARE(text.series[0].samples[0].time, 1732612345.0);
}

// Duplicate keys: the last one wins, and one that is not a string drops the label.
void TestPrometheusResponse::labelsAsTheDocumentHasThem()
{
    const PromResult result = kube::parsePrometheusResponse(
        200,
        R"({"status":"success","data":{"resultType":"matrix","result":[)"
        R"({"metric":{"a":"1","b":"2","a":"3","b":{"x":"y"},"c":"4"},"values":[[1,"1"],[2,"2"]],"value":[0,"0"]},)"
        R"({"metric":{"gone":"1"},"metric":{"d":"5"},"values":[[3,"3"]]}]}})",
        Url);
    QVERIFY2(result.error.ok(), result.error.describe().c_str());
    QCOMPARE(result.series.size(), std::size_t(2));
    const std::map<std::string, std::string> first{{"a", "3"}, {"c", "4"}};
    QCOMPARE(result.series[0].labels, first);
    // "value" comes before "values", wherever it stands in the series.
    QCOMPARE(result.series[0].samples.size(), std::size_t(3));
    QCOMPARE(result.series[0].samples[0].time, 0.0);
    QCOMPARE(result.series[0].samples[2].value, 2.0);
    const std::map<std::string, std::string> second{{"d", "5"}};
    QCOMPARE(result.series[1].labels, second);
    QCOMPARE(result.series[1].samples.size(), std::size_t(1));
}

void TestPrometheusResponse::specialValues_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<double>("expected");

    QTest::newRow("NaN") << QByteArray("NaN") << std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("+Inf") << QByteArray("+Inf") << std::numeric_limits<double>::infinity();
    QTest::newRow("-Inf") << QByteArray("-Inf") << -std::numeric_limits<double>::infinity();
    QTest::newRow("exponent") << QByteArray("1.5e-07") << 1.5e-07;
    QTest::newRow("negative") << QByteArray("-0.25") << -0.25;
    QTest::newRow("integer") << QByteArray("1024") << 1024.0;
}

void TestPrometheusResponse::specialValues()
{
    QFETCH(QByteArray, value);
    QFETCH(double, expected);

    const std::string body =
        R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,")" + str(value) + R"("]}]}})";
    const PromResult result = kube::parsePrometheusResponse(200, body, Url);
    QVERIFY2(result.error.ok(), result.error.describe().c_str());
    const double parsed = result.series[0].samples[0].value;
    if (std::isnan(expected))
        QVERIFY(std::isnan(parsed));
    else
        QCOMPARE(parsed, expected);
}

QTEST_APPLESS_MAIN(TestPrometheusResponse)
#include "tst_prometheusresponse.moc"

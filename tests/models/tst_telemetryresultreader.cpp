// SPDX-License-Identifier: Apache-2.0
// Prometheus answers recorded from the demo cluster's Prometheus 2.42 (tests/models/data/prometheus),
// read the way the charts read them: kubeclient's parser, then TelemetryResultReader.
#include "models/telemetry/TelemetryResultReader.h"

#include "kubeclient/PrometheusClient.h"

#include <QFile>
#include <QTest>

#include <cmath>

class TestTelemetryResultReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matrixBecomesOnePointListPerVersion();
    void nanIsAGapNotAZero();
    void vectorOfBucketsKeepsInf();
    void warningsAreKept();
    void errorsCarryPrometheusReason_data();
    void errorsCarryPrometheusReason();
};

namespace {

kube::PromResult recorded(const char* name, long status = 200)
{
    QFile file(QStringLiteral(MESHDECK_SOURCE_DIR "/tests/models/data/prometheus/") + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    const QByteArray body = file.readAll();
    return kube::parsePrometheusResponse(status, std::string_view(body.constData(), std::size_t(body.size())), "http://prometheus/api/v1/query");
}

} // namespace

void TestTelemetryResultReader::matrixBecomesOnePointListPerVersion()
{
    const kube::PromResult result = recorded("matrix-rate.json");
    QVERIFY(result.error.ok());
    QCOMPARE(result.resultType, std::string("matrix"));
    const QList<TelemetrySeries> series = TelemetryResultReader::read(TelemetryMetric::RequestRate, result);
    QCOMPARE(series.size(), 2);
    QCOMPARE(series[0].version, QStringLiteral("v1"));
    QCOMPARE(series[0].metric, TelemetryMetric::RequestRate);
    QCOMPARE(series[0].points.size(), 6);
    // Seconds become milliseconds; values are read locale-independently.
    QCOMPARE(series[0].points[0], QPointF(1795690052000.0, 20.0));
    QCOMPARE(series[0].points[1].y(), 20.111111111111114);
    // A version without traffic is a line at zero: its requests really are zero.
    QCOMPARE(series[1].version, QStringLiteral("v3"));
    QCOMPARE(series[1].points.size(), 6);
    QCOMPARE(series[1].points.last().y(), 0.0);
}

void TestTelemetryResultReader::nanIsAGapNotAZero()
{
    // v3 had traffic, then none: the quantile of no requests is NaN, and drawn as nothing.
    const kube::PromResult result = recorded("matrix-quantile-nan.json");
    QVERIFY(result.error.ok());
    QCOMPARE(result.series.size(), std::size_t(2));
    QVERIFY(std::isnan(result.series[1].samples.back().value));
    const QList<TelemetrySeries> series = TelemetryResultReader::read(TelemetryMetric::LatencyP95, result);
    QCOMPARE(series[0].points.size(), 20);
    QCOMPARE(series[1].version, QStringLiteral("v3"));
    QCOMPARE(series[1].points.size(), 12);
    QCOMPARE(series[1].points.last(), QPointF(1795690046000.0, 219.99999999999994));
    // A later answer picking up after the NaNs leaves a hole, which the model draws as a gap.
    QList<QPointF> points = series[1].points;
    points.append(QPointF(1795690070000.0, 230));
    QCOMPARE(TelemetrySeriesModel::segments(points, 2000).size(), 2);
}

void TestTelemetryResultReader::vectorOfBucketsKeepsInf()
{
    const kube::PromResult result = recorded("vector-buckets.json");
    QVERIFY(result.error.ok());
    QCOMPARE(result.resultType, std::string("vector"));
    QCOMPARE(result.series.size(), std::size_t(20)); // Envoy's 19 bounds and +Inf
    const auto inf = std::find_if(result.series.cbegin(), result.series.cend(),
                                  [](const kube::PromSeries& s) { return s.labels.at("le") == "+Inf"; });
    QVERIFY(inf != result.series.cend());
    QCOMPARE(inf->samples.front().value, 20.0);
    // Series without a destination_version label are charted as "unknown", never dropped.
    const QList<TelemetrySeries> series = TelemetryResultReader::read(TelemetryMetric::LatencyP50, result);
    QCOMPARE(series.size(), 20);
    QCOMPARE(series.first().version, QStringLiteral("unknown"));
    QCOMPARE(series.first().points.size(), 1);
}

void TestTelemetryResultReader::warningsAreKept()
{
    // Prometheus 2.42 sends warnings only from remote storage, which the demo has none of: this
    // file is the matrix recording above inside the envelope its HTTP API documents for warnings.
    const kube::PromResult result = recorded("warnings-documented-envelope.json");
    QVERIFY(result.error.ok());
    QCOMPARE(result.warnings, std::vector<std::string>{"remote read: partial result, a remote storage timed out"});
    QCOMPARE(TelemetryResultReader::read(TelemetryMetric::RequestRate, result).size(), 2);
}

void TestTelemetryResultReader::errorsCarryPrometheusReason_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("message");
    QTest::newRow("syntax error") << QStringLiteral("error-bad-data.json") << 400 << QStringLiteral("bad_data")
                                  << QStringLiteral("parse error: unexpected \"(\" in grouping opts");
    QTest::newRow("many-to-many") << QStringLiteral("error-execution.json") << 422 << QStringLiteral("execution")
                                  << QStringLiteral("found duplicate series for the match group");
}

void TestTelemetryResultReader::errorsCarryPrometheusReason()
{
    QFETCH(QString, file);
    QFETCH(int, status);
    QFETCH(QString, reason);
    QFETCH(QString, message);
    const kube::PromResult result = recorded(file.toUtf8().constData(), status);
    QVERIFY(!result.error.ok());
    QCOMPARE(QString::fromStdString(result.error.reason), reason);
    QVERIFY2(QString::fromStdString(result.error.describe()).contains(message), result.error.describe().c_str());
    QVERIFY(TelemetryResultReader::read(TelemetryMetric::RequestRate, result).isEmpty());
}

QTEST_GUILESS_MAIN(TestTelemetryResultReader)
#include "tst_telemetryresultreader.moc"

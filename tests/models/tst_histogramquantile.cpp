// SPDX-License-Identifier: Apache-2.0
// HistogramQuantile against hand-computed answers of Prometheus' rules (bucketQuantile); the graph's
// numbers against Prometheus' own histogram_quantile() are checked on a real Prometheus in
// tst_largemeshtelemetry and tst_telemetrycharts.
#include "models/telemetry/HistogramQuantile.h"

#include "kubeclient/PrometheusClient.h"

#include <QTest>

#include <cmath>
#include <limits>

using Buckets = std::vector<HistogramQuantile::Bucket>;
Q_DECLARE_METATYPE(Buckets)

class TestHistogramQuantile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bucketQuantile_data();
    void bucketQuantile();
    void seriesAreGroupedByEverythingButLe();
    void anErrorIsPassedOn();
};

namespace {
constexpr double Inf = std::numeric_limits<double>::infinity();
const double NaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

void TestHistogramQuantile::bucketQuantile_data()
{
    QTest::addColumn<double>("q");
    QTest::addColumn<Buckets>("buckets");
    QTest::addColumn<double>("expected");
    const Buckets four{{1, 10}, {5, 30}, {10, 40}, {Inf, 40}};
    // rank 20 lies in (1, 5]: 10 of its 20 observations in, so half way.
    QTest::newRow("interpolated in its bucket") << 0.5 << four << 3.0;
    QTest::newRow("the lowest bucket starts at 0") << 0.1 << four << 0.4;
    QTest::newRow("a rank on a bound is that bound") << 0.25 << four << 1.0;
    QTest::newRow("unsorted buckets") << 0.5 << Buckets{{10, 40}, {Inf, 40}, {1, 10}, {5, 30}} << 3.0;
    QTest::newRow("a rank in +Inf is the highest finite bound") << 0.99 << Buckets{{1, 10}, {5, 30}, {Inf, 40}} << 5.0;
    QTest::newRow("a lowest bound not above 0 is the answer") << 0.2 << Buckets{{-1, 5}, {1, 10}, {Inf, 10}} << -1.0;
    // 10, 8, 20 becomes 10, 10, 20: rank 10 is reached in the first bucket.
    QTest::newRow("counts made monotonic") << 0.5 << Buckets{{1, 10}, {5, 8}, {10, 20}, {Inf, 20}} << 1.0;
    QTest::newRow("buckets of one bound merged") << 0.25 << Buckets{{1, 4}, {1, 6}, {5, 20}, {Inf, 20}} << 0.5;
    QTest::newRow("no +Inf bucket") << 0.5 << Buckets{{1, 10}, {5, 30}} << NaN;
    QTest::newRow("+Inf only") << 0.5 << Buckets{{Inf, 10}} << NaN;
    QTest::newRow("no observations") << 0.5 << Buckets{{1, 0}, {Inf, 0}} << NaN;
    QTest::newRow("no buckets") << 0.5 << Buckets{} << NaN;
    QTest::newRow("q below 0") << -0.1 << four << -Inf;
    QTest::newRow("q above 1") << 1.5 << four << Inf;
}

void TestHistogramQuantile::bucketQuantile()
{
    QFETCH(double, q);
    QFETCH(Buckets, buckets);
    QFETCH(double, expected);
    const double answer = HistogramQuantile::of(q, buckets);
    if (std::isnan(expected))
        QVERIFY2(std::isnan(answer), qPrintable(QString::number(answer)));
    else
        QCOMPARE(answer, expected);
}

void TestHistogramQuantile::seriesAreGroupedByEverythingButLe()
{
    kube::PromResult buckets;
    buckets.resultType = "vector";
    const auto add = [&buckets](const char* source, const char* le, double count) {
        kube::PromSeries s;
        s.labels = {{"source_workload", source}, {"destination_service_name", "reviews"}};
        if (le)
            s.labels["le"] = le;
        s.samples.push_back({1764140000, count});
        buckets.series.push_back(s);
    };
    // productpage's histogram: 10 observations up to 1 ms, 30 up to 5, 40 in all.
    add("productpage-v1", "1", 10);
    add("productpage-v1", "5", 30);
    add("productpage-v1", "+Inf", 40);
    // gateway's: everything up to 5 ms; a series without `le` and one with a bad `le` are ignored.
    add("gateway", "5", 4);
    add("gateway", "+Inf", 4);
    add("gateway", nullptr, 100);
    add("gateway", "fast", 100);

    const kube::PromResult quantiles = HistogramQuantile::of(buckets, {"0.5", "0.99"}, "quantile");
    QVERIFY(quantiles.error.ok());
    QCOMPARE(quantiles.series.size(), std::size_t(4)); // two edges, two quantiles
    std::map<std::string, double> found;
    for (const kube::PromSeries& s : quantiles.series) {
        QCOMPARE(s.labels.count("le"), std::size_t(0));
        QCOMPARE(s.labels.at("destination_service_name"), std::string("reviews"));
        QCOMPARE(s.samples.size(), std::size_t(1));
        QCOMPARE(s.samples.front().time, 1764140000.0);
        found[s.labels.at("source_workload") + '@' + s.labels.at("quantile")] = s.samples.front().value;
    }
    QCOMPARE(found.at("productpage-v1@0.5"), 3.0);
    QCOMPARE(found.at("productpage-v1@0.99"), 5.0);
    QCOMPARE(found.at("gateway@0.5"), 2.5);
    QCOMPARE(found.at("gateway@0.99"), 4.95);
}

void TestHistogramQuantile::anErrorIsPassedOn()
{
    kube::PromResult failed;
    failed.error.kind = kube::ApiError::Kind::Api;
    failed.error.httpStatus = 503;
    failed.error.message = "service unavailable";
    const kube::PromResult quantiles = HistogramQuantile::of(failed, {"0.5"}, "quantile");
    QVERIFY(!quantiles.error.ok());
    QCOMPARE(quantiles.error.httpStatus, 503);
    QVERIFY(quantiles.series.empty());
}

QTEST_APPLESS_MAIN(TestHistogramQuantile)
#include "tst_histogramquantile.moc"

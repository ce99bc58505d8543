// SPDX-License-Identifier: Apache-2.0
#include "models/graph/EdgeTelemetry.h"
#include "models/traffic/VariantNumbers.h"

#include "kubeclient/PrometheusClient.h"

#include <QTest>

// The traffic panel's per-version table when two namespaces each hold a `reviews`: each namespace's
// versions get only their own traffic.
class TestVariantNumbers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsNamespacesApart_data();
    void keepsNamespacesApart();
};

namespace {

// One series of EdgeTelemetry::requestsQuery()'s answer, as Prometheus sends it.
std::string series(const char* sourceNamespace, const char* destinationNamespace, const char* service, const char* version,
                   const char* code, const char* rate)
{
    return std::string(R"({"metric":{"source_workload":"productpage-v1","source_workload_namespace":")") + sourceNamespace
           + R"(","destination_service_namespace":")" + destinationNamespace + R"(","destination_service_name":")" + service
           + R"(","destination_workload":")" + service + "-" + version + R"(","destination_version":")" + version
           + R"(","response_code":")" + code + R"("},"value":[1764140000,")" + rate + R"("]})";
}

// bookinfo's reviews v1 and v2, and team-b's reviews v1 and v3 (team-b's caller lives in bookinfo:
// the destination's namespace is what counts).
EdgeTelemetry twoNamespacesWithReviews()
{
    const std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)"
                             + series("bookinfo", "bookinfo", "reviews", "v1", "200", "9") + ','
                             + series("bookinfo", "bookinfo", "reviews", "v1", "503", "1") + ','
                             + series("bookinfo", "bookinfo", "reviews", "v2", "200", "4") + ','
                             + series("team-b", "team-b", "reviews", "v1", "200", "2") + ','
                             + series("bookinfo", "team-b", "reviews", "v1", "200", "1") + ','
                             + series("team-b", "team-b", "reviews", "v3", "500", "3") + ','
                             + series("team-b", "team-b", "reviews", "v3", "200", "3") + ','
                             + series("team-b", "team-b", "ratings", "v1", "200", "7") + "]}}";
    const kube::PromResult answer = kube::parsePrometheusResponse(200, body);
    if (!answer.error.ok())
        qFatal("the constructed answer does not parse: %s", answer.error.describe().c_str());
    return EdgeTelemetry::fromPrometheus(answer);
}

} // namespace

void TestVariantNumbers::keepsNamespacesApart_data()
{
    QTest::addColumn<QString>("namespaceName");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QStringList>("versions");
    QTest::addColumn<QList<double>>("rates");
    QTest::addColumn<QList<double>>("errorRatios");

    QTest::newRow("bookinfo/reviews") << QStringLiteral("bookinfo") << QStringLiteral("reviews")
                                      << QStringList{QStringLiteral("v1"), QStringLiteral("v2")} << QList<double>{10, 4}
                                      << QList<double>{0.1, 0};
    QTest::newRow("team-b/reviews") << QStringLiteral("team-b") << QStringLiteral("reviews")
                                    << QStringList{QStringLiteral("v1"), QStringLiteral("v3")} << QList<double>{3, 6}
                                    << QList<double>{0, 0.5};
    QTest::newRow("team-b/ratings") << QStringLiteral("team-b") << QStringLiteral("ratings")
                                    << QStringList{QStringLiteral("v1")} << QList<double>{7} << QList<double>{0};
    QTest::newRow("bookinfo has no ratings traffic") << QStringLiteral("bookinfo") << QStringLiteral("ratings")
                                                     << QStringList{} << QList<double>{} << QList<double>{};
    QTest::newRow("a namespace not shown") << QStringLiteral("payments") << QStringLiteral("reviews") << QStringList{}
                                           << QList<double>{} << QList<double>{};
}

void TestVariantNumbers::keepsNamespacesApart()
{
    QFETCH(QString, namespaceName);
    QFETCH(QString, service);
    QFETCH(QStringList, versions);
    QFETCH(QList<double>, rates);
    QFETCH(QList<double>, errorRatios);

    const QList<VariantNumbers> numbers = VariantNumbers::of(twoNamespacesWithReviews(), namespaceName, service);
    QStringList found;
    for (const VariantNumbers& n : numbers)
        found.append(n.version);
    QCOMPARE(found, versions);
    for (qsizetype i = 0; i < numbers.size(); ++i) {
        QCOMPARE(numbers[i].requestsPerSecond, rates[i]);
        QCOMPARE(numbers[i].errorRatio, errorRatios[i]);
        QCOMPARE(numbers[i].p95Ms, -1.0); // no latency answer given
    }
}

QTEST_GUILESS_MAIN(TestVariantNumbers)
#include "tst_variantnumbers.moc"

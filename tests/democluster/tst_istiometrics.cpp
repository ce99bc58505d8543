// SPDX-License-Identifier: Apache-2.0
// The /metrics exposition of the simulated sidecars: rendered in pieces it is the same text as at
// once, both formats Prometheus reads, what a large mesh leaves out, and the endpoint's content
// negotiation over real HTTP; and the scrape interval Prometheus is given per mesh size.

#include "IstioMetrics.h"
#include "MetricsListener.h"
#include "PrometheusProcess.h"
#include "TrafficSimulator.h"

#include <httplib.h>

#include <QTest>

using namespace democluster;

namespace {

// Two destination-side series and one client-side series with a few requests each.
void fill(IstioMetrics& metrics)
{
    for (const char* reporter : {"destination", "source"}) {
        for (const char* code : {"200", "503"}) {
            IstioMetrics::Labels labels;
            labels.reporter = reporter;
            labels.sourceWorkload = "frontend-v1";
            labels.destinationWorkload = "catalog-v2";
            labels.responseCode = code;
            metrics.record(labels, {12, 400, 2000});
            metrics.record(labels, {700, 900, 30000});
        }
    }
}

std::size_t countOf(const std::string& text, const std::string& needle)
{
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++count;
    return count;
}

} // namespace

class TestIstioMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void piecesMakeTheWholeText_data();
    void piecesMakeTheWholeText();
    void openMetricsNamesCountersAndEnds();
    void largeMeshReportsLess();
    void endpointNegotiatesTheFormat();
    void scrapeIntervalGrowsWithTheMesh_data();
    void scrapeIntervalGrowsWithTheMesh();
};

void TestIstioMetrics::piecesMakeTheWholeText_data()
{
    QTest::addColumn<int>("chunkBytes");
    QTest::newRow("1 byte: a piece per series") << 1;
    QTest::newRow("3 KB") << 3000;
    QTest::newRow("all at once") << (1 << 24);
}

void TestIstioMetrics::piecesMakeTheWholeText()
{
    QFETCH(int, chunkBytes);
    IstioMetrics metrics;
    fill(metrics);
    for (auto format : {IstioMetrics::Format::Text, IstioMetrics::Format::OpenMetrics}) {
        std::string joined;
        int pieces = 0;
        metrics.render(format, std::size_t(chunkBytes), [&](std::string_view chunk) {
            joined += chunk;
            ++pieces;
            return true;
        });
        QCOMPARE(joined, metrics.render(format));
        QVERIFY(chunkBytes > 1 << 20 ? pieces == 1 : pieces > 1);
    }
    // 4 label sets: 1 + 22 + 13 + 13 lines each.
    QCOMPARE(countOf(metrics.render(), "\nistio_"), std::size_t(4 * 49));
}

void TestIstioMetrics::openMetricsNamesCountersAndEnds()
{
    IstioMetrics metrics;
    fill(metrics);
    const std::string text = metrics.render(IstioMetrics::Format::OpenMetrics);
    QVERIFY(text.starts_with("# TYPE istio_requests counter\n"));
    QVERIFY(text.ends_with("\n# EOF\n"));
    QCOMPARE(countOf(text, "# EOF"), std::size_t(1));
    QCOMPARE(countOf(text, "\nistio_requests_total{"), std::size_t(4));
    QVERIFY(text.find("# TYPE istio_request_duration_milliseconds histogram\n") != std::string::npos);
    const std::string plain = metrics.render(IstioMetrics::Format::Text);
    QVERIFY(plain.starts_with("# HELP istio_requests_total "));
    QVERIFY(plain.find("# EOF") == std::string::npos);
    // The same samples in both: only the headers differ.
    QCOMPARE(countOf(text, "\nistio_"), countOf(plain, "\nistio_"));
}

void TestIstioMetrics::largeMeshReportsLess()
{
    IstioMetrics metrics;
    metrics.setReporting(TrafficSimulator::reportingFor(2000));
    fill(metrics);
    // A label the large mesh removes (response_flags) no longer makes a series of its own.
    IstioMetrics::Labels flagged;
    flagged.reporter = "destination";
    flagged.sourceWorkload = "frontend-v1";
    flagged.destinationWorkload = "catalog-v2";
    flagged.responseCode = "200";
    flagged.responseFlags = "URX";
    metrics.record(flagged, {30, 400, 2000});
    QCOMPARE(metrics.seriesCount(), std::size_t(4));

    const std::string text = metrics.render();
    QCOMPARE(countOf(text, "\nistio_requests_total{"), std::size_t(4));
    QVERIFY(text.find("istio_requests_total{reporter=\"destination\",source_workload=\"frontend-v1\","
                      "source_workload_namespace=\"\",source_canonical_service=\"\",destination_workload=\"catalog-v2\","
                      "destination_version=\"\",destination_service_name=\"\",destination_service_namespace=\"\","
                      "response_code=\"200\"} 3\n")
            != std::string::npos);
    for (const char* removed : {"source_principal", "source_app", "source_cluster", "destination_service=",
                                "destination_canonical_service", "request_protocol", "response_flags",
                                "connection_security_policy"})
        QVERIFY2(text.find(removed) == std::string::npos, removed);
    for (const auto& sample : metrics.samples())
        QCOMPARE(sample.labels.size(), std::size_t(9));
    // Latency from the destination side only, one histogram for both response codes, in 12 buckets
    // cut from Envoy's: cumulative counts as Envoy's would give at the same bounds (12 and 700 ms
    // observed for each code, 30 ms once more for 200).
    QCOMPARE(countOf(text, "\nistio_request_duration_milliseconds_count{reporter=\"destination\""), std::size_t(1));
    QCOMPARE(countOf(text, "\nistio_request_duration_milliseconds_bucket{reporter=\"destination\""),
             std::size_t(IstioMetrics::CoarseDurationBucketsMs.size() + 1));
    QVERIFY(text.find("le=\"0.5\"") == std::string::npos);
    QVERIFY(text.find("le=\"30000\"") == std::string::npos);
    const std::string edge = "destination_service_namespace=\"\",";
    QVERIFY(text.find(edge + "le=\"10\"} 0\n") != std::string::npos);
    QVERIFY(text.find(edge + "le=\"25\"} 2\n") != std::string::npos);
    QVERIFY(text.find(edge + "le=\"50\"} 3\n") != std::string::npos);
    QVERIFY(text.find(edge + "le=\"1000\"} 5\n") != std::string::npos);
    QVERIFY(text.find(edge + "le=\"+Inf\"} 5\n") != std::string::npos);
    QVERIFY(text.find("istio_request_duration_milliseconds_count{reporter=\"destination\",source_workload=\"frontend-v1\","
                      "source_workload_namespace=\"\",source_canonical_service=\"\",destination_workload=\"catalog-v2\","
                      "destination_version=\"\",destination_service_name=\"\",destination_service_namespace=\"\"} 5\n")
            != std::string::npos);
    QCOMPARE(countOf(text, "{reporter=\"source\""), std::size_t(2));
    QCOMPARE(countOf(text, "istio_request_bytes"), std::size_t(0));
    QCOMPARE(countOf(text, "istio_response_bytes"), std::size_t(0));

    IstioMetrics small;
    small.setReporting(TrafficSimulator::reportingFor(30));
    fill(small);
    QCOMPARE(countOf(small.render(), "\nistio_"), std::size_t(4 * 49));
}

void TestIstioMetrics::endpointNegotiatesTheFormat()
{
    IstioMetrics metrics;
    fill(metrics);
    MetricsListener listener(metrics);
    const int port = listener.start();
    httplib::Client client("127.0.0.1", port);

    // What Prometheus 2.x sends.
    auto scrape = client.Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0,application/"
                                                     "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
                                                     "q=0.5,*/*;q=0.1"},
                                          {"Accept-Encoding", "gzip"}});
    QVERIFY(scrape);
    QCOMPARE(scrape->status, 200);
    QVERIFY(scrape->get_header_value("Content-Type").starts_with("application/openmetrics-text; version=1.0.0"));
    QVERIFY(!scrape->has_header("Content-Encoding")); // not gzipped on loopback
    QCOMPARE(scrape->body, metrics.render(IstioMetrics::Format::OpenMetrics));

    auto plain = client.Get("/metrics");
    QVERIFY(plain);
    QVERIFY(plain->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
    QCOMPARE(plain->body, metrics.render(IstioMetrics::Format::Text));
}

void TestIstioMetrics::scrapeIntervalGrowsWithTheMesh_data()
{
    QTest::addColumn<int>("services");
    QTest::addColumn<int>("seconds");
    QTest::newRow("bookinfo (not generated)") << 0 << 1;
    QTest::newRow("30") << 30 << 1;
    QTest::newRow("400") << 400 << 1;
    QTest::newRow("401") << 401 << 2;
    QTest::newRow("500") << 500 << 2;
    QTest::newRow("501: a large mesh, scraped as Prometheus does by default") << 501 << 15;
    QTest::newRow("2000") << 2000 << 15;
    QTest::newRow("5000") << 5000 << 15;
}

void TestIstioMetrics::scrapeIntervalGrowsWithTheMesh()
{
    QFETCH(int, services);
    QFETCH(int, seconds);
    QCOMPARE(PrometheusProcess::scrapeIntervalFor(services).count(), seconds);
}

QTEST_GUILESS_MAIN(TestIstioMetrics)
#include "tst_istiometrics.moc"

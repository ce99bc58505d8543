// SPDX-License-Identifier: Apache-2.0
#include "models/graph/MeshGraph.h"
#include "models/telemetry/TelemetryMetric.h"
#include "models/telemetry/TelemetryWindow.h"

#include <QTest>

Q_DECLARE_METATYPE(GraphNode)

class TestTelemetryMetric : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void queries_data();
    void queries();
    void edgeSelectors_data();
    void edgeSelectors();
    void stepFitsThePixels_data();
    void stepFitsThePixels();
};

void TestTelemetryMetric::queries_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<QString>("expected");
    const QString selector = QStringLiteral("reporter=\"destination\", destination_service_namespace=\"bookinfo\", "
                                            "destination_service_name=\"reviews\"");
    QTest::newRow("rate") << int(TelemetryMetric::RequestRate)
                          << QStringLiteral("sum by (destination_version) (rate(istio_requests_total{%1}[10s]))").arg(selector);
    QTest::newRow("p99") << int(TelemetryMetric::LatencyP99)
                         << QStringLiteral("histogram_quantile(0.99, sum by (destination_version, le) "
                                           "(rate(istio_request_duration_milliseconds_bucket{%1}[10s])))")
                                .arg(selector);
    QTest::newRow("5xx share keeps a zero when there are no errors")
        << int(TelemetryMetric::Errors5xx)
        << QStringLiteral("(sum by (destination_version) (rate(istio_requests_total{%1, response_code=~\"5..\"}[10s])) or "
                          "sum by (destination_version) (rate(istio_requests_total{%1}[10s])) * 0) / "
                          "sum by (destination_version) (rate(istio_requests_total{%1}[10s])) * 100")
               .arg(selector);
    QTest::newRow("mean response size")
        << int(TelemetryMetric::ResponseBytes)
        << QStringLiteral("sum by (destination_version) (rate(istio_response_bytes_sum{%1}[10s])) / "
                          "sum by (destination_version) (rate(istio_response_bytes_count{%1}[10s]))")
               .arg(selector);
}

void TestTelemetryMetric::queries()
{
    QFETCH(int, metric);
    QFETCH(QString, expected);
    const TelemetryScope scope{QStringLiteral("bookinfo"), QStringLiteral("reviews"), {}, {}, {}, {}};
    QCOMPARE(TelemetryMetrics::query(TelemetryMetric(metric), scope, 10), expected);
}

namespace {
GraphNode node(GraphNodeKind kind, const char* id, const char* name, const char* service = "")
{
    GraphNode n;
    n.kind = kind;
    n.id = QString::fromUtf8(id);
    n.name = QString::fromUtf8(name);
    n.service = QString::fromUtf8(service);
    return n;
}
} // namespace

void TestTelemetryMetric::edgeSelectors_data()
{
    QTest::addColumn<GraphNode>("source");
    QTest::addColumn<GraphNode>("target");
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("title");
    const QString reviews = QStringLiteral("reporter=\"destination\", destination_service_namespace=\"bookinfo\", "
                                           "destination_service_name=\"reviews\"");
    QTest::newRow("workload to service")
        << node(GraphNodeKind::Workload, "wl:productpage-v1", "productpage-v1", "productpage")
        << node(GraphNodeKind::Service, "svc:reviews", "reviews")
        << reviews + QStringLiteral(", source_workload=\"productpage-v1\"") << QStringLiteral("productpage-v1 → reviews");
    QTest::newRow("service to its own workload: every caller")
        << node(GraphNodeKind::Service, "svc:reviews", "reviews", "reviews")
        << node(GraphNodeKind::Workload, "wl:reviews-v3", "reviews-v3", "reviews")
        << reviews + QStringLiteral(", destination_workload=\"reviews-v3\"") << QStringLiteral("* → reviews-v3");
    QTest::newRow("service to service")
        << node(GraphNodeKind::Service, "svc:productpage", "productpage", "productpage")
        << node(GraphNodeKind::Service, "svc:reviews", "reviews", "reviews")
        << reviews + QStringLiteral(", source_canonical_service=\"productpage\"") << QStringLiteral("* → reviews");
    QTest::newRow("gateway in another namespace")
        << node(GraphNodeKind::External, "ext:istio-system/istio-ingressgateway", "istio-ingressgateway")
        << node(GraphNodeKind::Service, "svc:reviews", "reviews", "reviews")
        << reviews + QStringLiteral(", source_workload=\"istio-ingressgateway\", source_workload_namespace=\"istio-system\"")
        << QStringLiteral("istio-ingressgateway → reviews");
}

void TestTelemetryMetric::edgeSelectors()
{
    QFETCH(GraphNode, source);
    QFETCH(GraphNode, target);
    QFETCH(QString, selector);
    QFETCH(QString, title);
    const TelemetryScope scope = TelemetryScope::ofEdge(source, target, QStringLiteral("bookinfo"));
    QVERIFY(scope.isEdge());
    QCOMPARE(TelemetryMetrics::selector(scope), selector);
    QCOMPARE(scope.title(), title);
    // A destination outside the mesh has no destination proxy to report it.
    QVERIFY(TelemetryScope::ofEdge(source, node(GraphNodeKind::External, "ext:unknown", "unknown"), QStringLiteral("bookinfo"))
                .service.isEmpty());
}

void TestTelemetryMetric::stepFitsThePixels_data()
{
    QTest::addColumn<int>("range");
    QTest::addColumn<int>("pixels");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("rateWindow");
    QTest::newRow("5 min on 600 px") << 300 << 600 << 1 << 10;
    QTest::newRow("15 min on 600 px") << 900 << 600 << 2 << 10;
    QTest::newRow("1 h on 400 px") << 3600 << 400 << 9 << 36;
    QTest::newRow("6 h on 600 px") << 21600 << 600 << 36 << 144;
}

void TestTelemetryMetric::stepFitsThePixels()
{
    QFETCH(int, range);
    QFETCH(int, pixels);
    QFETCH(int, step);
    QFETCH(int, rateWindow);
    const TelemetryWindow window{range, pixels};
    QCOMPARE(window.stepSeconds(), step);
    QVERIFY(range / window.stepSeconds() <= pixels);
    QCOMPARE(window.minimumRateWindowSeconds(), rateWindow);
}

QTEST_GUILESS_MAIN(TestTelemetryMetric)
#include "tst_telemetrymetric.moc"

// SPDX-License-Identifier: Apache-2.0
// A large generated mesh (--services above TrafficSimulator::LargeMeshServices) is scraped every
// 15 s, as real large meshes are, and MeshDeck must follow: the session's ScrapeInterval reads the
// interval from Prometheus' raw samples, and the graph's and the charts' rate windows widen to four
// intervals; then every edge that carried traffic has a rate and a latency, and a service's charts
// have points. The real binary, its real Prometheus, MeshDeck's real session and loaders.
#include "DemoClusterProcess.h"

#include "models/graph/EdgeTelemetryLoader.h"
#include "models/telemetry/ScrapeInterval.h"
#include "models/telemetry/TelemetryLoader.h"

#include "kubeclient/PrometheusClient.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <map>
#include <optional>

class TestLargeMeshTelemetry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scrapeIntervalOfRawSamples_data();
    void scrapeIntervalOfRawSamples();
    void initTestCase();
    void graphWindowFollowsTheScrapeInterval();
    void chartsOfAServiceHavePoints();
    void cleanupTestCase();

private:
    std::unique_ptr<DemoClusterProcess> m_cluster;
    std::unique_ptr<ClusterSession> m_session;
    // A service the mesh's entry calls, found by the graph's loader.
    QString m_namespace;
    QString m_service;
};

void TestLargeMeshTelemetry::scrapeIntervalOfRawSamples_data()
{
    // Each series' sample times.
    QTest::addColumn<QList<QList<double>>>("series");
    QTest::addColumn<double>("seconds");
    QTest::newRow("nothing scraped") << QList<QList<double>>{} << 0.0;
    QTest::newRow("one sample: no gap yet") << QList<QList<double>>{{100}} << 0.0;
    QTest::newRow("every 15 s, one scrape late") << QList<QList<double>>{{100, 115, 130, 147.5, 160}} << 15.0;
    QTest::newRow("a few ms of jitter") << QList<QList<double>>{{100, 115.004, 130.001}} << 15.0;
    QTest::newRow("most targets every second, one every 30 s")
        << QList<QList<double>>{{1, 2, 3}, {5, 6, 7}, {0, 30, 60}} << 1.0;
}

void TestLargeMeshTelemetry::scrapeIntervalOfRawSamples()
{
    QFETCH(QList<QList<double>>, series);
    QFETCH(double, seconds);
    kube::PromResult result;
    result.resultType = "matrix";
    for (const auto& times : series) {
        kube::PromSeries one;
        for (double time : times)
            one.samples.push_back({time, 1});
        result.series.push_back(one);
    }
    QCOMPARE(ScrapeInterval::of(result), seconds);
}

void TestLargeMeshTelemetry::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto,
                                                     QStringList{QStringLiteral("--services"), QStringLiteral("600")});
    // Ready after two scrapes 15 s apart, the first up to 20 s after Prometheus starts.
    QVERIFY2(m_cluster->start(120000), qPrintable(m_cluster->errorString()));
    m_session = m_cluster->session();
    QVERIFY(m_session);
}

void TestLargeMeshTelemetry::cleanupTestCase()
{
    m_session.reset();
    m_cluster.reset();
}

void TestLargeMeshTelemetry::graphWindowFollowsTheScrapeInterval()
{
    EdgeTelemetryLoader loader(m_session.get());
    QCOMPARE(loader.windowSeconds(), 15); // before it knows better
    std::optional<EdgeTelemetry> telemetry;
    QSignalSpy failures(&loader, &EdgeTelemetryLoader::loadFailed);
    connect(&loader, &EdgeTelemetryLoader::telemetryAvailable, this,
            [&telemetry](const EdgeTelemetry& answer) { telemetry = answer; });
    loader.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(telemetry || !failures.isEmpty(), 60000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.value(0).value(0).toString()));
    QCOMPARE(m_session->scrapeInterval().seconds(), 15.0);
    QCOMPARE(loader.windowSeconds(), 60);

    // The mesh's entry service takes 100 requests/s and every call a share of them, so the first
    // layers carry traffic: each edge with a few requests a second has its latency. Right after
    // "ready" a series may still have one scrape only (rate() needs two; a slow machine or a
    // sanitizer build gets there later), so ask again, once per scrape, until the entry's calls show.
    const auto fromFrontend = [&telemetry]() -> const EdgeSample* {
        for (const EdgeSample& sample : telemetry->samples) {
            if (sample.sourceWorkload.startsWith(u"frontend-") && sample.requestsPerSecond >= 1)
                return &sample;
        }
        return nullptr;
    };
    QDeadlineTimer deadline(120000);
    while (!fromFrontend() && !deadline.hasExpired()) {
        QTest::qWait(1000);
        loader.refresh(); // refreshes no more often than Prometheus scrapes
    }
    QVERIFY2(fromFrontend(), qPrintable(QStringLiteral("%1 edges, none from frontend").arg(telemetry->samples.size())));
    m_namespace = fromFrontend()->destinationNamespace;
    m_service = fromFrontend()->destinationService;
    for (const EdgeSample& sample : telemetry->samples) {
        QVERIFY(sample.requestsPerSecond >= 0);
        if (sample.requestsPerSecond >= 1) {
            QVERIFY2(sample.p95Ms > 0, qPrintable(sample.sourceWorkload + u'>' + sample.destinationWorkload));
            QVERIFY(sample.p50Ms <= sample.p95Ms && sample.p95Ms <= sample.p99Ms);
        }
    }
}

void TestLargeMeshTelemetry::chartsOfAServiceHavePoints()
{
    if (m_service.isEmpty())
        QSKIP("the graph's case found no service with traffic (it failed)");
    // The charts of a service the entry calls, over the default five minutes on a 600 px plot: a
    // step of 1 s, whose 10 s rate window would see one scrape in 15 s and chart nothing.
    TelemetryLoader loader(m_session.get());
    loader.setWindow(TelemetryWindow{300, 600});
    QCOMPARE(loader.window().minimumRateWindowSeconds(), 10);
    // Every point delivered, the backfill's and the live increments' (right after "ready" the
    // history holds only a few seconds with two scrapes in a window).
    std::map<TelemetryMetric, QList<QPointF>> points;
    bool backfilled = false;
    QSignalSpy failures(&loader, &TelemetryLoader::failed);
    connect(&loader, &TelemetryLoader::batchAvailable, this, [&](const TelemetryBatch& batch, bool backfill) {
        backfilled = backfilled || backfill;
        for (const TelemetrySeries& series : batch.series)
            points[series.metric].append(series.points);
    });
    loader.setInterval(1000);
    loader.setService(m_namespace, m_service);
    QTRY_VERIFY_WITH_TIMEOUT(backfilled || !failures.isEmpty(), 60000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.value(0).value(0).toString()));
    QCOMPARE(loader.rateWindowSeconds(), 60);

    // Every metric a large mesh reports (it leaves the size histograms out, as meshes of that size
    // are set to) gets points, second after second.
    const QList<TelemetryMetric> reported{TelemetryMetric::RequestRate, TelemetryMetric::Errors5xx, TelemetryMetric::LatencyP50,
                                          TelemetryMetric::LatencyP95, TelemetryMetric::LatencyP99};
    const auto charted = [&] {
        return std::all_of(reported.cbegin(), reported.cend(), [&](TelemetryMetric m) { return points[m].size() >= 10; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(charted(), 90000);
    QVERIFY(failures.isEmpty());
    for (const QPointF& p : points[TelemetryMetric::RequestRate])
        QVERIFY2(p.y() > 0, qPrintable(QStringLiteral("%1/%2 at %3").arg(m_namespace, m_service).arg(p.x())));
    for (const QPointF& p : points[TelemetryMetric::LatencyP95])
        QVERIFY(p.y() > 0);
}

QTEST_GUILESS_MAIN(TestLargeMeshTelemetry)
#include "tst_largemeshtelemetry.moc"

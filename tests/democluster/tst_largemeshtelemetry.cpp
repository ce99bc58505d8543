// SPDX-License-Identifier: Apache-2.0
// A large generated mesh (--services above TrafficSimulator::LargeMeshServices) is scraped every
// 15 s, as real large meshes are, and MeshDeck's graph must follow: EdgeTelemetryLoader reads the
// scrape interval from Prometheus' raw samples and widens its rate window to four intervals, and
// then every edge that carried traffic has a rate and a latency. The real binary, its real
// Prometheus, MeshDeck's real session and loader.
#include "DemoClusterProcess.h"

#include "models/graph/EdgeTelemetryLoader.h"

#include "kubeclient/PrometheusClient.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>

#include <optional>

class TestLargeMeshTelemetry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scrapeIntervalOfRawSamples_data();
    void scrapeIntervalOfRawSamples();
    void graphWindowFollowsTheScrapeInterval();
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
    QCOMPARE(EdgeTelemetryLoader::scrapeIntervalOf(result), seconds);
}

void TestLargeMeshTelemetry::graphWindowFollowsTheScrapeInterval()
{
    DemoClusterProcess cluster(DemoClusterProcess::Prometheus::Auto, {QStringLiteral("--services"), QStringLiteral("600")});
    // Ready after two scrapes 15 s apart, the first up to 20 s after Prometheus starts.
    QVERIFY2(cluster.start(120000), qPrintable(cluster.errorString()));
    const auto session = cluster.session();
    QVERIFY(session);

    EdgeTelemetryLoader loader(session.get());
    QCOMPARE(loader.windowSeconds(), 15); // before it knows better
    std::optional<EdgeTelemetry> telemetry;
    QSignalSpy failures(&loader, &EdgeTelemetryLoader::loadFailed);
    connect(&loader, &EdgeTelemetryLoader::telemetryAvailable, this,
            [&telemetry](const EdgeTelemetry& answer) { telemetry = answer; });
    loader.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(telemetry || !failures.isEmpty(), 60000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.value(0).value(0).toString()));
    QCOMPARE(loader.windowSeconds(), 60);

    // The mesh's entry service takes 100 requests/s and every call a share of them, so the first
    // layers carry traffic: each edge with a few requests a second has its latency. Right after
    // "ready" a series may still have one scrape only (rate() needs two; a slow machine or a
    // sanitizer build gets there later), so ask again, once per scrape, until the entry's calls show.
    const auto fromFrontend = [&telemetry] {
        int edges = 0;
        for (const EdgeSample& sample : telemetry->samples) {
            if (sample.sourceWorkload.startsWith(u"frontend-") && sample.requestsPerSecond >= 1)
                ++edges;
        }
        return edges;
    };
    QDeadlineTimer deadline(120000);
    while (fromFrontend() == 0 && !deadline.hasExpired()) {
        QTest::qWait(1000);
        loader.refresh(); // refreshes no more often than Prometheus scrapes
    }
    QVERIFY2(fromFrontend() >= 1, qPrintable(QStringLiteral("%1 edges, none from frontend").arg(telemetry->samples.size())));
    for (const EdgeSample& sample : telemetry->samples) {
        QVERIFY(sample.requestsPerSecond >= 0);
        if (sample.requestsPerSecond >= 1) {
            QVERIFY2(sample.p95Ms > 0, qPrintable(sample.sourceWorkload + u'>' + sample.destinationWorkload));
            QVERIFY(sample.p50Ms <= sample.p95Ms && sample.p95Ms <= sample.p99Ms);
        }
    }
}

QTEST_GUILESS_MAIN(TestLargeMeshTelemetry)
#include "tst_largemeshtelemetry.moc"

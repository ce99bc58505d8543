// SPDX-License-Identifier: Apache-2.0
#include "DemoClusterProcess.h"

#include "views/graph/EdgeItem.h"
#include "views/graph/GraphView.h"
#include "views/pages/MeshPage.h"
#include "views/style/VersionPalette.h"
#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/ScrapeInterval.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/PrometheusClient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QGraphicsScene>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <csignal>
#include <cmath>
#include <map>
#include <optional>

// The charts against the real thing: the demo cluster's latency histogram scraped by a real
// Prometheus. What the chart shows must be what Prometheus itself computes for the same moment,
// and what a quantile of the raw buckets is; a Prometheus that stops answering must show a banner
// and a gap, and the charts must recover by themselves.
class TestTelemetryCharts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void quantilesMatchPrometheus_data();
    void quantilesMatchPrometheus();
    void outageShowsABannerAGapAndRecovers();
    void pageOpensWithTheHistoryFromBeforeIt();
    void selectedEdgeIsCharted();
    void appPicturesACanaryAgainstItsBaseline();
    void cleanupTestCase();

private:
    // An instant query at `time` (seconds), through the API server's service proxy.
    std::optional<kube::PromResult> instantQuery(const QString& promql, double time);

    std::unique_ptr<DemoClusterProcess> m_cluster;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<TelemetrySeriesModel> m_model;
    std::unique_ptr<TelemetryLoader> m_loader;
    std::unique_ptr<TelemetryPanel> m_panel;
};

namespace {

// Prometheus's bucketQuantile: the rank's bucket, linearly interpolated, the lowest bucket starting
// at 0, and a rank in the +Inf bucket answered with the highest finite bound.
double quantileOfBuckets(double q, std::map<double, double> cumulative)
{
    if (cumulative.empty() || !std::isinf(cumulative.rbegin()->first))
        return std::nan("");
    const double total = cumulative.rbegin()->second;
    if (total == 0)
        return std::nan("");
    const double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (auto it = cumulative.begin(); it != cumulative.end(); ++it) {
        const auto [upperBound, count] = *it;
        if (count >= rank) {
            if (std::isinf(upperBound))
                return lowerBound;
            if (it == cumulative.begin() && upperBound <= 0)
                return upperBound;
            return lowerBound + (upperBound - lowerBound) * ((rank - lowerCount) / (count - lowerCount));
        }
        lowerBound = upperBound;
        lowerCount = count;
    }
    return lowerBound;
}

// The pid of the Prometheus listening on `url`'s port, found by its command line.
pid_t prometheusPid(const QString& url)
{
    const QString port = u':' + QString::number(QUrl(url).port());
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const pid_t pid = entry.toInt(&isPid);
        if (!isPid)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(cmdline.readAll()).replace(QChar(0), u' ');
        if (text.contains(QStringLiteral("prometheus")) && text.contains(QStringLiteral("--web.listen-address")) &&
            text.contains(port))
            return pid;
    }
    return -1;
}

bool hasPixelOf(const QImage& image, const QColor& color)
{
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (image.pixel(x, y) == color.rgb())
                return true;
        }
    }
    return false;
}

// Sends SIGCONT on the way out, whatever happened, so a failed check never leaves Prometheus frozen.
struct Frozen {
    pid_t pid;
    explicit Frozen(pid_t p)
        : pid(p)
    {
        ::kill(pid, SIGSTOP);
    }
    void thaw()
    {
        if (pid > 0)
            ::kill(pid, SIGCONT);
        pid = -1;
    }
    ~Frozen() { thaw(); }
};

} // namespace

void TestTelemetryCharts::initTestCase()
{
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Auto);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
    m_session = m_cluster->session();
    QVERIFY(m_session);

    m_model = std::make_unique<TelemetrySeriesModel>();
    m_loader = std::make_unique<TelemetryLoader>(m_session.get());
    connect(m_loader.get(), &TelemetryLoader::batchAvailable, m_model.get(), &TelemetrySeriesModel::addBatch);
    m_panel = std::make_unique<TelemetryPanel>(m_model.get(), m_loader.get(), nullptr);
    m_panel->resize(1400, 400);
    m_panel->show();
    m_loader->setInterval(1000);
    m_loader->setService(QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    // Enough history that the rate windows are full.
    const bool charted = QTest::qWaitFor([&] {
        const int row = m_model->rowOf(TelemetryMetric::LatencyP99, QStringLiteral("v1"));
        return row >= 0 && m_model->series(row).points.size() >= 20;
    }, 120000);
    QVERIFY2(charted, "no p99 latency of reviews v1 charted within two minutes");
    // bookinfo is scraped every second, so four scrapes are less than the charts' 10 s minimum, which
    // stays the window (tst_largemeshtelemetry sees it widen at 15 s scrapes).
    QCOMPARE(m_session->scrapeInterval().seconds(), 1.0);
    QCOMPARE(m_loader->rateWindowSeconds(), 10);
}

void TestTelemetryCharts::cleanupTestCase()
{
    m_panel.reset();
    m_loader.reset();
    m_model.reset();
    m_session.reset();
    m_cluster.reset();
}

std::optional<kube::PromResult> TestTelemetryCharts::instantQuery(const QString& promql, double time)
{
    kube::HttpRequest request;
    request.url = m_session->kube().url(std::string(kube::PrometheusClient::DefaultProxyPath) + "/api/v1/query?query=" +
                                        QUrl::toPercentEncoding(promql).toStdString() + "&time=" +
                                        QByteArray::number(time, 'f', 3).toStdString());
    request.headers = {"Accept: application/json"};
    std::optional<kube::PromResult> answer;
    m_session->kube().sendParsed(std::move(request), [&answer](kube::HttpResponse response) -> std::function<void()> {
        kube::PromResult result = response.status == 0 ? kube::PromResult{kube::ApiError::transport(response.transportError, {}), {}, {}, {}, {}}
                                                       : kube::parsePrometheusResponse(response.status, response.body);
        return [&answer, result] { answer = result; };
    });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 30000))
        return std::nullopt;
    return answer;
}

void TestTelemetryCharts::quantilesMatchPrometheus_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<double>("q");
    QTest::newRow("p50") << int(TelemetryMetric::LatencyP50) << 0.5;
    QTest::newRow("p95") << int(TelemetryMetric::LatencyP95) << 0.95;
    QTest::newRow("p99") << int(TelemetryMetric::LatencyP99) << 0.99;
}

void TestTelemetryCharts::quantilesMatchPrometheus()
{
    QFETCH(int, metric);
    QFETCH(double, q);
    const auto chartMetric = TelemetryMetric(metric);
    const QString version = QStringLiteral("v1");
    MetricChart* chart = m_panel->chartFor(chartMetric);
    QVERIFY(chart);
    // A point drawn a few seconds before the newest (every sample of its rate window is stored by
    // then), and the model's point at the same moment.
    QPointF drawn;
    const bool found = QTest::qWaitFor([&] {
        const QList<QPointF> points = chart->drawnPoints(chartMetric, version);
        const int row = m_model->rowOf(chartMetric, version);
        if (points.size() < 10 || row < 0)
            return false;
        drawn = points.at(points.size() - 6);
        const QList<QPointF>& model = m_model->series(row).points;
        return std::find(model.cbegin(), model.cend(), drawn) != model.cend();
    }, 30000);
    QVERIFY2(found, "the chart and the model agree on a point");
    const double time = drawn.x() / 1000.0;
    // Prometheus's own histogram_quantile, written here independently of TelemetryMetrics.
    const QString window = QString::number(m_loader->rateWindowSeconds()) + u's';
    const QString selector = QStringLiteral("reporter=\"destination\",destination_service_namespace=\"bookinfo\","
                                            "destination_service_name=\"reviews\",destination_version=\"%1\"")
                                 .arg(version);
    const auto quantile = instantQuery(QStringLiteral("histogram_quantile(%1, sum by (le) "
                                                      "(rate(istio_request_duration_milliseconds_bucket{%2}[%3])))")
                                           .arg(q)
                                           .arg(selector, window),
                                       time);
    QVERIFY(quantile && quantile->error.ok());
    QCOMPARE(quantile->series.size(), std::size_t(1));
    const double fromPrometheus = quantile->series.front().samples.front().value;
    QVERIFY2(std::abs(fromPrometheus - drawn.y()) <= 1e-9 * std::max(1.0, std::abs(fromPrometheus)),
             qPrintable(QStringLiteral("chart %1 ms, Prometheus %2 ms at %3").arg(drawn.y()).arg(fromPrometheus).arg(time, 0, 'f', 3)));

    // And the quantile of the raw bucket rates, +Inf bucket included, computed here.
    const auto buckets = instantQuery(
        QStringLiteral("sum by (le) (rate(istio_request_duration_milliseconds_bucket{%1}[%2]))").arg(selector, window), time);
    QVERIFY(buckets && buckets->error.ok());
    std::map<double, double> cumulative;
    for (const kube::PromSeries& s : buckets->series) {
        const std::string le = s.labels.at("le");
        cumulative[le == "+Inf" ? INFINITY : std::stod(le)] = s.samples.front().value;
    }
    QVERIFY2(cumulative.size() > 10 && std::isinf(cumulative.rbegin()->first), "the histogram has its buckets and +Inf");
    const double fromBuckets = quantileOfBuckets(q, cumulative);
    QVERIFY2(std::abs(fromBuckets - drawn.y()) <= 1e-6 * std::max(1.0, std::abs(fromBuckets)),
             qPrintable(QStringLiteral("chart %1 ms, buckets %2 ms").arg(drawn.y()).arg(fromBuckets)));
}

void TestTelemetryCharts::outageShowsABannerAGapAndRecovers()
{
    MetricChart* rates = m_panel->chartFor(TelemetryMetric::RequestRate);
    const QString version = QStringLiteral("v1");
    QTRY_COMPARE_WITH_TIMEOUT(rates->segmentCount(TelemetryMetric::RequestRate, version), 1, 30000);
    QCOMPARE(m_panel->bannerText(), QString());
    const pid_t pid = prometheusPid(m_cluster->prometheusUrl());
    QVERIFY2(pid > 0, qPrintable(m_cluster->prometheusUrl()));

    // A frozen Prometheus neither answers nor scrapes: requests time out, and no samples exist for
    // the time it was frozen.
    Frozen frozen(pid);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->bannerText().startsWith(QStringLiteral("Prometheus cannot answer")), 60000);
    const QPointF before = rates->lastPoint(TelemetryMetric::RequestRate, version);
    frozen.thaw();

    // Back by itself: the banner goes, the lines go on after a gap, never a drop to zero.
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->bannerText(), QString(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(rates->segmentCount(TelemetryMetric::RequestRate, version) >= 2, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(rates->lastPoint(TelemetryMetric::RequestRate, version).x() > before.x() + 20000, 60000);
    const TelemetrySeries& series = m_model->series(m_model->rowOf(TelemetryMetric::RequestRate, version));
    for (const QPointF& p : series.points)
        QVERIFY2(p.y() > 0, "a point of zero requests/s: the outage was drawn as a drop");
}

void TestTelemetryCharts::pageOpensWithTheHistoryFromBeforeIt()
{
    // MeshDeck opened on a cluster that has run for a while: its charts start with the history
    // Prometheus holds (the backfill), not at the moment the page appeared. Half a minute would not
    // tell them apart: a chart that lost the backfill still shows a minute around that moment.
    constexpr double Before = 45000;
    const int row = m_model->rowOf(TelemetryMetric::RequestRate, QStringLiteral("v1"));
    QVERIFY(row >= 0 && !m_model->series(row).points.isEmpty());
    const double oldest = m_model->series(row).points.first().x();
    QTRY_VERIFY_WITH_TIMEOUT(double(QDateTime::currentMSecsSinceEpoch()) - oldest >= Before + 15000, 120000);

    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    const double created = double(QDateTime::currentMSecsSinceEpoch());
    MeshPage page(m_session.get(), &audit);
    page.resize(1400, 800);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    MetricChart* rates = page.telemetryPanel()->chartFor(TelemetryMetric::RequestRate);
    QTRY_VERIFY_WITH_TIMEOUT(!rates->drawnPoints(TelemetryMetric::RequestRate, QStringLiteral("v1")).isEmpty(), 60000);
    const double first = rates->drawnPoints(TelemetryMetric::RequestRate, QStringLiteral("v1")).first().x();
    QVERIFY2(first <= created - Before, qPrintable(QStringLiteral("the first point is %1 s older than the page").arg((created - first) / 1000)));
    // And shown: the time axis reaches back as far.
    QTRY_VERIFY2(rates->timeRange().first <= created - Before,
                 qPrintable(QStringLiteral("the time axis starts %1 s before the page").arg((created - rates->timeRange().first) / 1000)));
}

void TestTelemetryCharts::selectedEdgeIsCharted()
{
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.jsonl")));
    MeshPage page(m_session.get(), &audit);
    page.resize(1400, 800);
    page.show();
    page.selectService(QStringLiteral("reviews"));
    const QString id = QStringLiteral("wl:bookinfo/productpage-v1->svc:bookinfo/reviews");
    QTRY_VERIFY_WITH_TIMEOUT(page.graphView()->edgeItem(id) != nullptr, 60000);

    // The operator selects the edge from productpage to reviews in the graph.
    page.graphView()->scene()->clearSelection();
    page.graphView()->edgeItem(id)->setSelected(true);
    const TelemetryScope scope = page.telemetryLoader()->scope();
    QCOMPARE(scope.service, QStringLiteral("reviews"));
    QCOMPARE(scope.sourceWorkload, QStringLiteral("productpage-v1"));
    QTRY_VERIFY_WITH_TIMEOUT(page.telemetryPanel()->legendText().contains(QStringLiteral("productpage-v1 → reviews")), 30000);
    MetricChart* rates = page.telemetryPanel()->chartFor(TelemetryMetric::RequestRate);
    QTRY_VERIFY_WITH_TIMEOUT(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v1")).y() > 0, 30000);

    // Selecting the service again charts all of its traffic.
    page.graphView()->scene()->clearSelection();
    page.graphView()->selectNode(QStringLiteral("svc:bookinfo/reviews"));
    QVERIFY(!page.telemetryLoader()->scope().isEdge());
}

void TestTelemetryCharts::appPicturesACanaryAgainstItsBaseline()
{
    // What scripts/screenshot does for the README's canary picture, on this cluster: MeshDeck itself,
    // told the service, the pair and the window, saves its telemetry charts once they are live.
    QTemporaryDir home;
    const QString picture = home.filePath(QStringLiteral("canary.png"));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    QProcess meshdeck;
    meshdeck.setProcessEnvironment(environment);
    meshdeck.start(QStringLiteral(MESHDECK_APP_BIN),
                   {QStringLiteral("--kubeconfig"), m_cluster->kubeconfigPath(), QStringLiteral("--select"),
                    QStringLiteral("reviews"), QStringLiteral("--compare"), QStringLiteral("v2,v3"),
                    QStringLiteral("--chart-window"), QStringLiteral("15m"), QStringLiteral("--screenshot"), picture,
                    QStringLiteral("--screenshot-of"), QStringLiteral("telemetry"), QStringLiteral("--screenshot-after"),
                    QStringLiteral("3s")});
    QVERIFY2(meshdeck.waitForFinished(180000), "meshdeck did not exit");
    const QString err = QString::fromUtf8(meshdeck.readAllStandardError());
    QCOMPARE(meshdeck.exitStatus(), QProcess::NormalExit);
    QVERIFY2(meshdeck.exitCode() == 0, qPrintable(err));
    const QImage image(picture);
    QVERIFY2(!image.isNull(), qPrintable(err));
    // The telemetry charts, not the window (900 pixels tall at least).
    QVERIFY2(image.width() > 1000 && image.height() < 600, qPrintable(QStringLiteral("%1 x %2").arg(image.width()).arg(image.height())));
    // Only the compared pair is drawn, in their colours: the third version that has traffic is not.
    QVERIFY(hasPixelOf(image, VersionPalette::colorFor(QStringLiteral("v2"))));
    QVERIFY(hasPixelOf(image, VersionPalette::colorFor(QStringLiteral("v3"))));
    QVERIFY(!hasPixelOf(image, VersionPalette::colorFor(QStringLiteral("v1"))));
}

QTEST_MAIN(TestTelemetryCharts)
#include "tst_telemetrycharts.moc"

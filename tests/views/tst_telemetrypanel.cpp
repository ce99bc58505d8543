// SPDX-License-Identifier: Apache-2.0
#include "UnreachableCluster.h"

#include "views/style/VersionPalette.h"
#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentAnnotation.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/faults/FaultInjection.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/RoutingEventTracker.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QBuffer>
#include <QChart>
#include <QComboBox>
#include <QDateTime>
#include <QImage>
#include <QInputDialog>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <cmath>

class TestTelemetryPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawsEveryVersionWithGaps();
    void showsTheBackfilledHistoryAtOnce();
    void outageShowsABannerUntilRecovery();
    void exportsCsv();
    void marksAuditedChanges();
    void marksFaultsAndTrafficSeenInTheVirtualService();
    void marksOnlyTheNamespaceShown();
    void comparesCanaryWithBaseline();
    void refreshIntervalIsConfigurable();
    void hoverSaysWhatHappenedAtAMarker();
    void zoomsToADraggedRangeUntilReset();
    void pausesAndResumesLiveUpdates();
    void chartsNotOnScreenAreNotUpdated();
    void customWindowFromTheDialog();
    void fetchesNoMorePointsThanThePlotHasColumns();
    void exportsPng();
};

namespace {


struct Fixture {
    ClusterSession session{unreachableCluster()};
    TelemetrySeriesModel model;
    TelemetryLoader loader{&session};
    QTemporaryDir dir;
    AuditLog audit{dir.filePath(QStringLiteral("audit.jsonl"))};
    TelemetryPanel panel{&model, &loader, &audit};

    Fixture()
    {
        panel.resize(1400, 400);
        panel.show();
        const double t = 1764140000000.0;
        model.addBatch({QStringLiteral("reviews"),
                        1,
                        {{TelemetryMetric::RequestRate, QStringLiteral("v1"), {{t, 16}, {t + 1000, 15}, {t + 9000, 14}}},
                         {TelemetryMetric::RequestRate, QStringLiteral("v2"), {{t, 4}, {t + 1000, 5}}},
                         {TelemetryMetric::LatencyP95, QStringLiteral("v2"), {{t, 48}, {t + 1000, 52}}}}},
                       true);
        // Lines are prepared on a worker thread; wait until every chart has swapped its first in.
        QTRY_VERIFY(!panel.chartFor(TelemetryMetric::RequestRate)->drawnVersions().isEmpty()
                    && !panel.chartFor(TelemetryMetric::LatencyP95)->drawnVersions().isEmpty());
    }
};

QToolButton* toolButton(const QWidget& panel, const QString& text)
{
    for (QToolButton* button : panel.findChildren<QToolButton*>()) {
        if (button->text() == text)
            return button;
    }
    return nullptr;
}

// Widget coordinates of a time and value on a chart's plot.
QPoint positionOf(const MetricChart* chart, double timeMs, double value)
{
    return chart->chart()->mapToPosition(QPointF(timeMs, value)).toPoint();
}

// bookinfo's reviews beside team-b's, each with a VirtualService at `resourceVersion`; `faultIn` names
// the namespace whose reviews has a fault (empty: neither).
MeshTopologies reviewsTopologies(const char* resourceVersion, const QString& faultIn)
{
    MeshTopologies topologies;
    for (const QString& ns : {QStringLiteral("bookinfo"), QStringLiteral("team-b")}) {
        nlohmann::json http = nlohmann::json::array(
            {{{"route", {{{"destination", {{"host", "reviews"}, {"subset", "v1"}}}, {"weight", 80}},
                         {{"destination", {{"host", "reviews"}, {"subset", "v2"}}}, {"weight", 20}}}}}});
        if (ns == faultIn)
            http[0]["fault"] = {{"abort", {{"httpStatus", 503}, {"percentage", {{"value", 10}}}}}};
        MeshTopology t;
        t.namespaceName = ns;
        t.services = {{QStringLiteral("reviews"), {}}};
        const nlohmann::json raw = {{"metadata", {{"resourceVersion", resourceVersion}}},
                                    {"spec", {{"hosts", {"reviews"}}, {"http", http}}}};
        t.virtualServices = {{QStringLiteral("reviews"), QString::fromUtf8(resourceVersion), {QStringLiteral("reviews")},
                              std::make_shared<const nlohmann::json>(raw)}};
        topologies.namespaces.append(t);
    }
    return topologies;
}

} // namespace

void TestTelemetryPanel::drawsEveryVersionWithGaps()
{
    Fixture f;
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QVERIFY(rates);
    QTRY_COMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 5.0);
    // v1 has no points from 2 s to 8 s: two pieces, not a line drawn across the hole.
    QCOMPARE(rates->segmentCount(TelemetryMetric::RequestRate, QStringLiteral("v1")), 2);
    QCOMPARE(rates->segmentCount(TelemetryMetric::RequestRate, QStringLiteral("v2")), 1);
    // One legend for all charts, in the versions' colours.
    QVERIFY2(f.panel.legendText().contains(QStringLiteral("v1")) && f.panel.legendText().contains(QStringLiteral("v2")),
             qPrintable(f.panel.legendText()));
    MetricChart* latency = f.panel.chartFor(TelemetryMetric::LatencyP99);
    QTRY_COMPARE(latency->lastPoint(TelemetryMetric::LatencyP95, QStringLiteral("v2")).y(), 52.0);
    // The hover readout names every line that has a value at that moment.
    const QString readout = rates->readoutAt(1764140001000.0);
    QVERIFY2(readout.contains(QStringLiteral("v1 requests/s: 15")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("v2 requests/s: 5")), qPrintable(readout));
}

void TestTelemetryPanel::showsTheBackfilledHistoryAtOnce()
{
    // MeshDeck started against a cluster that has been running for minutes: the first batch is a
    // backfill reaching four minutes back, and the charts must show those minutes right away, not
    // a minute around the moment the panel appeared.
    ClusterSession session{unreachableCluster()};
    TelemetrySeriesModel model;
    TelemetryLoader loader{&session};
    TelemetryPanel panel{&model, &loader, nullptr};
    panel.resize(1400, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const double now = std::floor(double(QDateTime::currentMSecsSinceEpoch()) / 1000) * 1000;
    QList<QPointF> points;
    for (double t = now - 240000; t <= now - 2000; t += 1000)
        points.append({t, 20});
    model.addBatch({QStringLiteral("reviews"), 1, {{TelemetryMetric::RequestRate, QStringLiteral("v1"), points}}}, true);

    MetricChart* rates = panel.chartFor(TelemetryMetric::RequestRate);
    QTRY_COMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v1")).x(), points.last().x());
    QTRY_VERIFY2(rates->timeRange().first <= points.first().x(),
                 qPrintable(QStringLiteral("the time axis starts %1 s after the oldest point")
                                .arg((rates->timeRange().first - points.first().x()) / 1000)));
    QVERIFY(rates->timeRange().second >= points.last().x());
}

void TestTelemetryPanel::outageShowsABannerUntilRecovery()
{
    Fixture f;
    QCOMPARE(f.panel.bannerText(), QString());
    QSignalSpy failed(&f.loader, &TelemetryLoader::failed);
    // The session's API server refuses connections: a real transport failure, not a simulated one.
    f.loader.setService(QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    // The loader keeps asking every second, so on a slow machine a second failure may come first.
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 15000);
    QVERIFY2(f.panel.bannerText().startsWith(QStringLiteral("Prometheus cannot answer")), qPrintable(f.panel.bannerText()));
    // What was drawn stays drawn.
    QCOMPARE(f.panel.chartFor(TelemetryMetric::RequestRate)->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 5.0);
    Q_EMIT f.loader.succeeded({});
    QCOMPARE(f.panel.bannerText(), QString());
    Q_EMIT f.loader.succeeded({QStringLiteral("PromQL info: metric might not be a counter")});
    QVERIFY(f.panel.bannerText().contains(QStringLiteral("might not be a counter")));
}

void TestTelemetryPanel::exportsCsv()
{
    Fixture f;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    f.panel.writeCsv(buffer);
    const QStringList lines = QString::fromUtf8(buffer.data()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 7);
    QCOMPARE(lines.first(), QStringLiteral("time,service,metric,version,value"));
    QVERIFY(lines.contains(QStringLiteral("2025-11-26T06:53:21Z,reviews,latency_p95,v2,52")));
}

void TestTelemetryPanel::marksAuditedChanges()
{
    Fixture f;
    AuditEntry entry;
    entry.time = QDateTime::fromMSecsSinceEpoch(qint64(1764140000500.0), Qt::UTC);
    entry.user = QStringLiteral("alice");
    entry.service = QStringLiteral("reviews");
    entry.name = QStringLiteral("reviews");
    entry.action = QStringLiteral("traffic split");
    entry.summary = QStringLiteral("v1 80 %, v2 20 %");
    QVERIFY(f.audit.append(entry));
    entry.service = QStringLiteral("ratings"); // another service's change is not marked here
    QVERIFY(f.audit.append(entry));

    for (MetricChart* chart : f.panel.charts()) {
        QCOMPARE(chart->markers().size(), 1);
        QVERIFY(chart->markers().first().text.contains(QStringLiteral("traffic split by alice: v1 80 %, v2 20 %")));
    }
    QCOMPARE(f.panel.chartFor(TelemetryMetric::RequestRate)->visibleMarkers().size(), 1);

    // The log survives a restart: a new AuditLog on the same file reads both entries back.
    AuditLog reread(f.audit.file());
    QCOMPARE(reread.rowCount(), 2);
    QCOMPARE(reread.entry(0).summary, QStringLiteral("v1 80 %, v2 20 %"));
}

void TestTelemetryPanel::marksFaultsAndTrafficSeenInTheVirtualService()
{
    Fixture f;
    RoutingEventTracker tracker;
    f.panel.setRoutingEvents(&tracker);
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(qint64(1764140000000.0), Qt::UTC);
    // The charts show bookinfo's reviews; team-b's reviews is another service of the same name.
    f.loader.setService(QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    tracker.observe(reviewsTopologies("10", QString()), t);
    tracker.observe(reviewsTopologies("11", QStringLiteral("bookinfo")), t.addMSecs(500));
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QCOMPARE(rates->markers().size(), 1);
    QVERIFY2(rates->markers().first().text.contains(QStringLiteral("fault started on reviews: abort 503 for 10 %")),
             qPrintable(rates->markers().first().text));
    QCOMPARE(rates->markers().first().timeMs, 1764140000500.0);

    // A change MeshDeck made itself is marked once, by its audit entry, not again as seen.
    AuditEntry entry;
    entry.time = t.addSecs(1);
    entry.user = QStringLiteral("alice");
    entry.namespaceName = QStringLiteral("bookinfo");
    entry.service = QStringLiteral("reviews");
    entry.action = QStringLiteral("fault");
    entry.summary = QStringLiteral("abort stopped");
    entry.after = R"({"metadata":{"resourceVersion":"12"}})";
    QVERIFY(f.audit.append(entry));
    tracker.observe(reviewsTopologies("12", QStringLiteral("team-b")), t.addSecs(1));
    QCOMPARE(rates->markers().size(), 2);
    QStringList texts;
    for (const ChartMarker& m : rates->markers())
        texts.append(m.text);
    QCOMPARE(texts.filter(QStringLiteral("fault by alice: abort stopped")).size(), 1);
    QCOMPARE(texts.filter(QStringLiteral("fault stopped")).size(), 0);
    QCOMPARE(texts.filter(QStringLiteral("fault started")).size(), 1); // bookinfo's; team-b's is not here
}

void TestTelemetryPanel::marksOnlyTheNamespaceShown()
{
    // bookinfo and team-b each hold a reviews, each with a traffic change in the audit log and a fault
    // experiment running (team-b's started by another MeshDeck: only the registry knows it).
    Fixture f;
    ExperimentRegistry registry(nullptr);
    f.panel.setExperiments(&registry);
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(qint64(1764140000500.0), Qt::UTC);
    for (const char* ns : {"bookinfo", "team-b"}) {
        AuditEntry entry;
        entry.time = t;
        entry.user = QStringLiteral("alice");
        entry.namespaceName = QString::fromUtf8(ns);
        entry.service = QStringLiteral("reviews");
        entry.name = QStringLiteral("reviews");
        entry.action = QStringLiteral("traffic split");
        entry.summary = QStringLiteral("split in ") + entry.namespaceName;
        QVERIFY(f.audit.append(entry));

        Experiment e;
        e.id = ExperimentAnnotation::newId();
        e.namespaceName = entry.namespaceName;
        e.virtualService = e.service = QStringLiteral("reviews");
        e.owner = QStringLiteral("owner in ") + entry.namespaceName;
        e.startedAt = t.addSecs(2);
        e.expiresAt = QDateTime::currentDateTimeUtc().addSecs(300);
        e.fault.kind = FaultSpec::Kind::Delay;
        e.fault.delayMs = 2000;
        e.fault.percentage = 50;
        nlohmann::json vs = {{"apiVersion", "networking.istio.io/v1"},
                             {"kind", "VirtualService"},
                             {"metadata", {{"name", "reviews"}, {"namespace", ns}, {"resourceVersion", "7"}}},
                             {"spec", {{"hosts", {"reviews"}}, {"http", {{{"route", {{{"destination", {{"host", "reviews"}}}}}}}}}}}};
        QCOMPARE(FaultInjection::inject(vs, e), QString());
        registry.objectChanged(vs);
    }
    QCOMPARE(registry.experiments().size(), 2);

    const auto shown = [&f](const QString& ns) {
        // A new scope's history resets the model, which draws the markers again.
        f.loader.setService(ns, QStringLiteral("reviews"));
        const double at = 1764140000000.0;
        f.model.addBatch({QStringLiteral("reviews"), 1, {{TelemetryMetric::RequestRate, QStringLiteral("v1"), {{at, 1}}}}}, true);
    };
    for (const QString& ns : {QStringLiteral("bookinfo"), QStringLiteral("team-b")}) {
        shown(ns);
        for (MetricChart* chart : f.panel.charts()) {
            QCOMPARE(chart->markers().size(), 1);
            QVERIFY2(chart->markers().first().text.endsWith(QStringLiteral("split in ") + ns), qPrintable(chart->markers().first().text));
            QCOMPARE(chart->windows().size(), 1);
            QVERIFY2(chart->windows().first().text.contains(QStringLiteral("by owner in ") + ns), qPrintable(chart->windows().first().text));
        }
    }
}

void TestTelemetryPanel::comparesCanaryWithBaseline()
{
    Fixture f;
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QTRY_COMPARE(rates->drawnVersions(), (QStringList{QStringLiteral("v1"), QStringLiteral("v2")}));
    QCOMPARE(rates->bandPieceCount(TelemetryMetric::RequestRate), 0);
    f.panel.setComparison(QStringLiteral("v1"), QStringLiteral("v2"));
    // v1 and v2 share the seconds 0 and 1: one shaded piece between them.
    QTRY_COMPARE(rates->bandPieceCount(TelemetryMetric::RequestRate), 1);
    // The latency chart has only v2: nothing to shade, v2 still drawn.
    MetricChart* latency = f.panel.chartFor(TelemetryMetric::LatencyP95);
    QTRY_COMPARE(latency->drawnVersions(), QStringList{QStringLiteral("v2")});
    QCOMPARE(latency->bandPieceCount(TelemetryMetric::LatencyP95), 0);
    f.panel.setComparison(QString(), QString());
    QTRY_COMPARE(rates->bandPieceCount(TelemetryMetric::RequestRate), 0);
    QCOMPARE(rates->drawnVersions(), (QStringList{QStringLiteral("v1"), QStringLiteral("v2")}));
}

void TestTelemetryPanel::refreshIntervalIsConfigurable()
{
    Fixture f;
    f.loader.setInterval(1000);
    QComboBox* refresh = nullptr;
    for (QComboBox* box : f.panel.findChildren<QComboBox*>()) {
        if (box->findData(5000) >= 0)
            refresh = box;
    }
    QVERIFY(refresh);
    QCOMPARE(refresh->currentData().toInt(), 1000); // the default: every second
    refresh->setCurrentIndex(refresh->findData(5000));
    Q_EMIT refresh->activated(refresh->currentIndex());
    QCOMPARE(f.loader.interval(), 5000);
}

void TestTelemetryPanel::hoverSaysWhatHappenedAtAMarker()
{
    Fixture f;
    AuditEntry entry;
    entry.time = QDateTime::fromMSecsSinceEpoch(qint64(1764140000500.0), Qt::UTC);
    entry.user = QStringLiteral("alice");
    entry.service = QStringLiteral("reviews");
    entry.action = QStringLiteral("traffic split");
    entry.summary = QStringLiteral("v1 80 %, v2 20 %");
    QVERIFY(f.audit.append(entry));
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QTRY_VERIFY(rates->timeRange().first <= 1764140000000.0);

    // On the marker: the values there and what happened, by whom.
    const QString atMarker = rates->hoverText(positionOf(rates, 1764140000500.0, 1));
    QVERIFY2(atMarker.contains(QStringLiteral("traffic split by alice: v1 80 %, v2 20 %")), qPrintable(atMarker));
    QVERIFY2(atMarker.contains(QStringLiteral("v2 requests/s:")), qPrintable(atMarker));
    // Far from it: the values only. Outside the plot: nothing.
    const QString away = rates->hoverText(positionOf(rates, 1764140009000.0, 1));
    QVERIFY2(away.contains(QStringLiteral("v1 requests/s: 14")) && !away.contains(QStringLiteral("alice")), qPrintable(away));
    QCOMPARE(rates->hoverText(QPointF(1, 1)), QString());
}

void TestTelemetryPanel::zoomsToADraggedRangeUntilReset()
{
    Fixture f;
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
    QTRY_VERIFY(rates->timeRange().first <= 1764140000000.0);
    const auto [from, to] = rates->timeRange();
    const QRectF plot = rates->chart()->plotArea();
    // Drag across the middle third of the plot.
    const int y = int(plot.center().y());
    const QPoint start(int(plot.left() + plot.width() / 3), y);
    const QPoint end(int(plot.left() + 2 * plot.width() / 3), y);
    QTest::mousePress(rates->viewport(), Qt::LeftButton, {}, start);
    QTest::mouseMove(rates->viewport(), QPoint((start.x() + end.x()) / 2, y));
    QTest::mouseMove(rates->viewport(), end);
    QTest::mouseRelease(rates->viewport(), Qt::LeftButton, {}, end);
    QVERIFY(rates->isZoomed());
    const auto [zoomedFrom, zoomedTo] = rates->timeRange();
    QVERIFY2(zoomedFrom > from && zoomedTo < to && zoomedTo - zoomedFrom < (to - from) / 2,
             qPrintable(QStringLiteral("%1..%2 within %3..%4").arg(zoomedFrom).arg(zoomedTo).arg(from).arg(to)));

    // Live data a minute later does not move a zoomed axis, but is drawn.
    const double later = 1764140070000.0;
    f.model.addBatch({QStringLiteral("reviews"), 1, {{TelemetryMetric::RequestRate, QStringLiteral("v2"), {{later, 7}}}}}, false);
    QTRY_COMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 7.0);
    QCOMPARE(rates->timeRange().first, zoomedFrom);
    QCOMPARE(rates->timeRange().second, zoomedTo);

    // Reset zoom: back to following live data, the new point inside the axis again.
    QToolButton* reset = toolButton(f.panel, QStringLiteral("Reset zoom"));
    QVERIFY(reset);
    reset->click();
    QVERIFY(!rates->isZoomed());
    QTRY_VERIFY(rates->timeRange().second >= later);
}

void TestTelemetryPanel::pausesAndResumesLiveUpdates()
{
    Fixture f;
    QSignalSpy failed(&f.loader, &TelemetryLoader::failed);
    // The session's API server refuses connections: every refresh (each second) fails at once.
    f.loader.setInterval(1000);
    f.loader.setService(QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 15000);
    QToolButton* pause = toolButton(f.panel, QStringLiteral("Pause"));
    QVERIFY(pause);
    pause->click();
    QVERIFY(f.loader.isPaused());
    QTest::qWait(2000); // a request already on its way still answers
    failed.clear();
    QTest::qWait(3000);
    QCOMPARE(failed.count(), 0); // nothing is asked while paused
    pause->click();
    QVERIFY(!f.loader.isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 15000);
}

void TestTelemetryPanel::chartsNotOnScreenAreNotUpdated()
{
    Fixture f;
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QTRY_COMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 5.0);
    QSignalSpy replaced(rates, &MetricChart::linesReplaced);
    rates->hide();
    f.model.addBatch({QStringLiteral("reviews"), 1, {{TelemetryMetric::RequestRate, QStringLiteral("v2"), {{1764140002000.0, 6}}}}},
                     false);
    // A chart on screen takes the batch; the hidden one does not prepare or swap anything.
    MetricChart* latency = f.panel.chartFor(TelemetryMetric::LatencyP95);
    QSignalSpy latencyReplaced(latency, &MetricChart::linesReplaced);
    f.model.addBatch({QStringLiteral("reviews"), 1, {{TelemetryMetric::LatencyP95, QStringLiteral("v2"), {{1764140002000.0, 60}}}}},
                     false);
    QTRY_COMPARE(latency->lastPoint(TelemetryMetric::LatencyP95, QStringLiteral("v2")).y(), 60.0);
    QVERIFY(latencyReplaced.count() >= 1);
    QCOMPARE(replaced.count(), 0);
    QCOMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 5.0);
    // Shown again, it catches up at once.
    rates->show();
    QTRY_COMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 6.0);
}

void TestTelemetryPanel::customWindowFromTheDialog()
{
    Fixture f;
    QComboBox* window = nullptr;
    for (QComboBox* box : f.panel.findChildren<QComboBox*>()) {
        if (box->findData(300) >= 0)
            window = box;
    }
    QVERIFY(window);
    // The operator picks "Custom…" and types 20 minutes into the dialog.
    QTimer answer;
    connect(&answer, &QTimer::timeout, &answer, [&answer] {
        if (auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget())) {
            answer.stop();
            dialog->setIntValue(20);
            dialog->accept();
        }
    });
    answer.start(20);
    const int custom = window->count() - 1;
    window->setCurrentIndex(custom);
    Q_EMIT window->activated(custom);
    QCOMPARE(f.panel.windowSeconds(), 1200);
    QCOMPARE(f.loader.window().rangeSeconds, 1200);
    QCOMPARE(f.model.windowMs(), 1200000.0);
    QCOMPARE(window->currentIndex(), custom);
    // A preset chosen by code shows as that preset.
    f.panel.setWindowSeconds(3600);
    QCOMPARE(window->currentData().toInt(), 3600);
}

void TestTelemetryPanel::fetchesNoMorePointsThanThePlotHasColumns()
{
    Fixture f;
    for (int width : {1400, 900}) {
        f.panel.resize(width, 400);
        int narrowest = 100000;
        QTRY_VERIFY([&] {
            narrowest = 100000;
            for (const MetricChart* chart : f.panel.charts())
                narrowest = std::min(narrowest, int(chart->chart()->plotArea().width()));
            return f.loader.window().maxPoints == std::max(60, narrowest);
        }());
        // The plot, not the widget: axes and margins take their share of the chart's width.
        for (const MetricChart* chart : f.panel.charts())
            QVERIFY(f.loader.window().maxPoints < chart->width());
    }
}

void TestTelemetryPanel::exportsPng()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("charts.png"));
    QVERIFY(f.panel.exportPng(file));
    QImage image(file);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 1000 && image.height() > 200);
    // The lines are in it, in their versions' colours.
    for (const QString& version : {QStringLiteral("v1"), QStringLiteral("v2")}) {
        const QRgb wanted = VersionPalette::colorFor(version).rgb();
        bool found = false;
        for (int y = 0; y < image.height() && !found; ++y) {
            for (int x = 0; x < image.width() && !found; ++x)
                found = image.pixel(x, y) == wanted;
        }
        QVERIFY2(found, qPrintable(version));
    }
}

QTEST_MAIN(TestTelemetryPanel)
#include "tst_telemetrypanel.moc"

// SPDX-License-Identifier: Apache-2.0
#include "UnreachableCluster.h"

#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/audit/AuditLog.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <QBuffer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestTelemetryPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawsEveryVersionWithGaps();
    void outageShowsABannerUntilRecovery();
    void exportsCsv();
    void marksAuditedChanges();
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
    }
};

} // namespace

void TestTelemetryPanel::drawsEveryVersionWithGaps()
{
    Fixture f;
    MetricChart* rates = f.panel.chartFor(TelemetryMetric::RequestRate);
    QVERIFY(rates);
    QCOMPARE(rates->lastPoint(TelemetryMetric::RequestRate, QStringLiteral("v2")).y(), 5.0);
    // v1 has no points from 2 s to 8 s: two pieces, not a line drawn across the hole.
    QCOMPARE(rates->segmentCount(TelemetryMetric::RequestRate, QStringLiteral("v1")), 2);
    QCOMPARE(rates->segmentCount(TelemetryMetric::RequestRate, QStringLiteral("v2")), 1);
    // One legend for all charts, in the versions' colours.
    QVERIFY2(f.panel.legendText().contains(QStringLiteral("v1")) && f.panel.legendText().contains(QStringLiteral("v2")),
             qPrintable(f.panel.legendText()));
    MetricChart* latency = f.panel.chartFor(TelemetryMetric::LatencyP99);
    QCOMPARE(latency->lastPoint(TelemetryMetric::LatencyP95, QStringLiteral("v2")).y(), 52.0);
    // The hover readout names every line that has a value at that moment.
    const QString readout = rates->readoutAt(1764140001000.0);
    QVERIFY2(readout.contains(QStringLiteral("v1 requests/s: 15")), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("v2 requests/s: 5")), qPrintable(readout));
}

void TestTelemetryPanel::outageShowsABannerUntilRecovery()
{
    Fixture f;
    QCOMPARE(f.panel.bannerText(), QString());
    QSignalSpy failed(&f.loader, &TelemetryLoader::failed);
    // The session's API server refuses connections: a real transport failure, not a simulated one.
    f.loader.setService(QStringLiteral("bookinfo"), QStringLiteral("reviews"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
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

QTEST_MAIN(TestTelemetryPanel)
#include "tst_telemetrypanel.moc"

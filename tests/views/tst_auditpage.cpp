// SPDX-License-Identifier: Apache-2.0
#include "views/audit/AuditPage.h"

#include "models/audit/AuditLog.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

// The audit log as operators review it: a table model that survives restarts, filtered by any
// word, each change shown as the diff of the object it changed.
class TestAuditPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void logIsATableThatPersists();
    void filtersAndShowsTheDiff();
};

namespace {
AuditEntry change(const QString& user, int minute, int v1, int v2)
{
    AuditEntry e;
    e.time = QDateTime(QDate(2026, 11, 26), QTime(10, minute), Qt::UTC);
    e.user = user;
    e.context = QStringLiteral("prod-eu");
    e.namespaceName = QStringLiteral("bookinfo");
    e.kind = QStringLiteral("VirtualService");
    e.name = QStringLiteral("reviews");
    e.service = QStringLiteral("reviews");
    e.action = QStringLiteral("traffic split");
    e.why = QStringLiteral("canary step: v2 to %1 %").arg(v2);
    e.summary = QStringLiteral("v1 %1 %, v2 %2 %").arg(v1).arg(v2);
    const auto object = [](int a, int b) {
        return QStringLiteral(R"({"kind":"VirtualService","metadata":{"name":"reviews"},"spec":{"http":[{"route":[)"
                              R"({"destination":{"host":"reviews","subset":"v1"},"weight":%1},)"
                              R"({"destination":{"host":"reviews","subset":"v2"},"weight":%2}]}]}})")
            .arg(a)
            .arg(b)
            .toUtf8();
    };
    e.before = object(100 - (v2 > 10 ? v2 - 15 : 0), v2 > 10 ? v2 - 15 : 0);
    e.after = object(v1, v2);
    return e;
}
} // namespace

void TestAuditPage::logIsATableThatPersists()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("audit.jsonl"));
    {
        AuditLog log(file);
        QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(log.append(change(QStringLiteral("alice"), 1, 95, 5)));
        QVERIFY(log.append(change(QStringLiteral("bob"), 2, 75, 25)));
        QCOMPARE(log.columnCount(), int(AuditLog::ColumnCount));
        QCOMPARE(log.index(1, AuditLog::UserColumn).data().toString(), QStringLiteral("bob"));
        QCOMPARE(log.index(1, AuditLog::SummaryColumn).data().toString(), QStringLiteral("v1 75 %, v2 25 %"));
        QCOMPARE(log.headerData(AuditLog::WhyColumn, Qt::Horizontal).toString(), QStringLiteral("Why"));
    }
    // A damaged line (a crash mid-write) is skipped; the rest reads back after a restart.
    QFile damaged(file);
    QVERIFY(damaged.open(QIODevice::Append));
    damaged.write("{\"time\":\"2026-11-26T10:0");
    damaged.close();
    AuditLog again(file);
    QCOMPARE(again.rowCount(), 2);
    QCOMPARE(again.entry(0).user, QStringLiteral("alice"));
    QCOMPARE(again.entry(1).after, change(QStringLiteral("bob"), 2, 75, 25).after);
}

void TestAuditPage::filtersAndShowsTheDiff()
{
    QTemporaryDir dir;
    AuditLog log(dir.filePath(QStringLiteral("audit.jsonl")));
    log.append(change(QStringLiteral("alice"), 1, 95, 5));
    log.append(change(QStringLiteral("bob"), 2, 75, 25));
    log.append(change(QStringLiteral("alice"), 3, 50, 50));
    AuditPage page(&log);
    page.show();
    QCOMPARE(page.visibleRows(), 3);

    page.setFilter(QStringLiteral("ALICE"));
    QCOMPARE(page.visibleRows(), 2);
    page.setFilter(QStringLiteral("v2 25 %"));
    QCOMPARE(page.visibleRows(), 1);

    // Newest first; the selected change shows what it did to the object.
    page.setFilter({});
    page.selectRow(0);
    const QString diff = page.diffText();
    QVERIFY2(diff.contains(QStringLiteral("weight: 50")), qPrintable(diff));
    QVERIFY2(diff.contains(u'-') && diff.contains(u'+'), qPrintable(diff));
    QVERIFY2(diff.contains(QStringLiteral("+          weight: 50")) || diff.contains(QStringLiteral("+        weight: 50")), qPrintable(diff));

    // A new change appears while the page is open.
    page.setFilter(QStringLiteral("nobody"));
    QVERIFY(page.detailsText().contains(QStringLiteral("3 changes recorded")));
    page.setFilter({});
    log.append(change(QStringLiteral("carol"), 4, 0, 100));
    QCOMPARE(page.visibleRows(), 4);
    page.setFilter(QStringLiteral("carol"));
    QCOMPARE(page.visibleRows(), 1);
}

QTEST_MAIN(TestAuditPage)
#include "tst_auditpage.moc"

// SPDX-License-Identifier: Apache-2.0
#include "models/diff/ObjectDiff.h"

#include "kubeclient/YamlJsonConverter.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QRegularExpression>
#include <QTest>

// The diff operators read before a change is sent and when they review the audit log.
class TestObjectDiff : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void yamlReadsBackAsTheSameObject_data();
    void yamlReadsBackAsTheSameObject();
    void weightChangeShowsAsTwoLines();
    void identicalObjectsHaveNoDiff();
    void serverBookkeepingIsLeftOut();
    void newObjectIsAllAdded();
    void lineDiff_data();
    void lineDiff();
};

void TestObjectDiff::yamlReadsBackAsTheSameObject_data()
{
    QTest::addColumn<QString>("file");
    const QDir samples(QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples"));
    for (const QString& name : samples.entryList({QStringLiteral("*.yaml")}))
        QTest::newRow(qPrintable(name)) << samples.filePath(name);
}

void TestObjectDiff::yamlReadsBackAsTheSameObject()
{
    // Every document of Istio's samples, written by ObjectDiff::yaml and read again, is unchanged:
    // what the preview shows is exactly what would be sent (strings like "80" or "true" stay strings).
    QFETCH(QString, file);
    const auto documents = kube::YamlJsonConverter::loadAll(file.toStdString());
    QVERIFY(!documents.empty());
    for (nlohmann::json document : documents) {
        document["metadata"]["labels"]["looks-like-a-number"] = "80";
        document["metadata"]["labels"]["looks-like-a-bool"] = "true";
        const QString text = ObjectDiff::yaml(document);
        const auto again = kube::YamlJsonConverter::loadAllFromString(text.toStdString(), "diff");
        QCOMPARE(again.size(), std::size_t(1));
        QVERIFY2(again.front() == document, qPrintable(text));
    }
}

void TestObjectDiff::weightChangeShowsAsTwoLines()
{
    const auto before = nlohmann::json::parse(R"({"apiVersion":"networking.istio.io/v1","kind":"VirtualService",
        "metadata":{"name":"reviews","namespace":"bookinfo"},
        "spec":{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":80},
                                                      {"destination":{"host":"reviews","subset":"v2"},"weight":20}]}]}})");
    auto after = before;
    after["spec"]["http"][0]["route"][0]["weight"] = 55;
    after["spec"]["http"][0]["route"][1]["weight"] = 45;
    const QList<DiffLine> lines = ObjectDiff::compare(before, after);
    QStringList changed;
    for (const DiffLine& line : lines) {
        if (line.kind != DiffLine::Kind::Same)
            changed.append((line.kind == DiffLine::Kind::Added ? u'+' : u'-') + line.text.trimmed());
    }
    QCOMPARE(changed, (QStringList{QStringLiteral("-weight: 80"), QStringLiteral("+weight: 55"),
                                   QStringLiteral("-weight: 20"), QStringLiteral("+weight: 45")}));
    const QString text = ObjectDiff::unified(lines, 1);
    QVERIFY2(QRegularExpression(QStringLiteral("\n-\\s+weight: 80\n\\+\\s+weight: 55\n")).match(text).hasMatch(), qPrintable(text));
    QVERIFY2(text.startsWith(QStringLiteral("…\n")), qPrintable(text)); // the unchanged head is skipped
}

void TestObjectDiff::identicalObjectsHaveNoDiff()
{
    const auto object = nlohmann::json::parse(R"({"kind":"VirtualService","spec":{"hosts":["reviews"]}})");
    QCOMPARE(ObjectDiff::unified(ObjectDiff::compare(object, object)), QString());
}

void TestObjectDiff::serverBookkeepingIsLeftOut()
{
    const auto object = nlohmann::json::parse(R"({"kind":"VirtualService","metadata":{"name":"reviews",
        "managedFields":[{"manager":"kubectl","operation":"Apply"}]}})");
    const QString text = ObjectDiff::yaml(object);
    QVERIFY2(!text.contains(QStringLiteral("managedFields")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("name: reviews")), qPrintable(text));
}

void TestObjectDiff::newObjectIsAllAdded()
{
    const auto object = nlohmann::json::parse(R"({"kind":"DestinationRule","metadata":{"name":"reviews"}})");
    const QList<DiffLine> lines = ObjectDiff::compare(nullptr, object);
    QVERIFY(!lines.isEmpty());
    for (const DiffLine& line : lines)
        QCOMPARE(line.kind, DiffLine::Kind::Added);
}

void TestObjectDiff::lineDiff_data()
{
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QStringList>("after");
    QTest::addColumn<QString>("expected"); // one character per line: = - +
    QTest::newRow("same") << QStringList{QStringLiteral("a"), QStringLiteral("b")} << QStringList{QStringLiteral("a"), QStringLiteral("b")} << QStringLiteral("==");
    QTest::newRow("insert") << QStringList{QStringLiteral("a"), QStringLiteral("c")}
                            << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")} << QStringLiteral("=+=");
    QTest::newRow("delete") << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}
                            << QStringList{QStringLiteral("a"), QStringLiteral("c")} << QStringLiteral("=-=");
    QTest::newRow("replace") << QStringList{QStringLiteral("a"), QStringLiteral("b")}
                             << QStringList{QStringLiteral("a"), QStringLiteral("x")} << QStringLiteral("=-+");
    QTest::newRow("from nothing") << QStringList{} << QStringList{QStringLiteral("a")} << QStringLiteral("+");
    QTest::newRow("to nothing") << QStringList{QStringLiteral("a")} << QStringList{} << QStringLiteral("-");
}

void TestObjectDiff::lineDiff()
{
    QFETCH(QStringList, before);
    QFETCH(QStringList, after);
    QFETCH(QString, expected);
    QString kinds;
    for (const DiffLine& line : ObjectDiff::compareLines(before, after))
        kinds += line.kind == DiffLine::Kind::Same ? u'=' : line.kind == DiffLine::Kind::Removed ? u'-' : u'+';
    QCOMPARE(kinds, expected);
}

QTEST_GUILESS_MAIN(TestObjectDiff)
#include "tst_objectdiff.moc"

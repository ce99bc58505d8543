// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/WatchStreamDecoder.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTest>

#include <random>

using kube::WatchEvent;
using kube::WatchStreamDecoder;

namespace {

// A watch of pods as an API server sends it (recorded, then edited to be hard): one object per line
// mostly, but nothing may depend on that. Strings hold braces, brackets, escaped quotes and
// backslashes, an escaped newline and non-ASCII text, so only real JSON scanning finds the ends.
std::string recorded()
{
    QFile file(QStringLiteral(MESHDECK_SOURCE_DIR "/tests/kubeclient/watch-pods.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read watch-pods.json");
    return file.readAll().toStdString();
}

const std::string Recorded = recorded();

const std::vector<std::string> RecordedSummary = {"ADDED 1001", "MODIFIED 1002", "BOOKMARK 1005", "DELETED 1006", "ERROR Expired"};

std::string summary(const WatchEvent& event)
{
    const auto& object = *event.object;
    if (event.type == "ERROR")
        return event.type + " " + object.at("reason").get<std::string>();
    return event.type + " " + object.at("metadata").at("resourceVersion").get<std::string>();
}

// Feeds `chunks` and returns the events' summaries; fails the test on a decoding error.
std::vector<std::string> decode(const std::vector<std::string_view>& chunks, std::vector<WatchEvent>* events = nullptr)
{
    WatchStreamDecoder decoder;
    std::vector<std::string> out;
    for (const auto chunk : chunks) {
        const bool ok = decoder.feed(chunk, [&](WatchEvent event) {
            out.push_back(summary(event));
            if (events)
                events->push_back(std::move(event));
        });
        if (!ok)
            out.push_back("error: " + decoder.error());
    }
    if (!decoder.atBoundary())
        out.push_back("not at a boundary");
    return out;
}

} // namespace

class TestWatchStreamDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wholeStream();
    void splitAtEveryByte();
    void oneByteAtATime();
    void largeObjectsInRandomChunks();
    void eventsKeepTheirContent();
    void partialEventIsNotABoundary();
    void malformedStreams_data();
    void malformedStreams();
};

void TestWatchStreamDecoder::wholeStream()
{
    QCOMPARE(decode({Recorded}), RecordedSummary);
}

void TestWatchStreamDecoder::splitAtEveryByte()
{
    const std::string_view stream(Recorded);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        const auto result = decode({stream.substr(0, cut), stream.substr(cut)});
        if (result != RecordedSummary)
            QFAIL(qPrintable(QStringLiteral("split at byte %1 decodes differently").arg(cut)));
    }
    // Three pieces, with the second cut at every byte after the first.
    for (std::size_t first = 0; first <= stream.size(); first += 37) {
        for (std::size_t second = first; second <= stream.size(); ++second) {
            const auto result =
                decode({stream.substr(0, first), stream.substr(first, second - first), stream.substr(second)});
            if (result != RecordedSummary)
                QFAIL(qPrintable(QStringLiteral("cuts at %1 and %2 decode differently").arg(first).arg(second)));
        }
    }
}

void TestWatchStreamDecoder::oneByteAtATime()
{
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < Recorded.size(); ++i)
        bytes.push_back(std::string_view(Recorded).substr(i, 1));
    QCOMPARE(decode(bytes), RecordedSummary);
}

void TestWatchStreamDecoder::largeObjectsInRandomChunks()
{
    // ConfigMap-sized objects (2 MiB each, with an escaped quote every few bytes) among small ones.
    std::string big(2 * 1024 * 1024, 'x');
    std::size_t escapes = 0;
    for (std::size_t i = 0; i < big.size(); i += 1000, ++escapes)
        big.replace(i, 2, "\\\"");
    std::string stream;
    std::vector<std::string> expected;
    for (int i = 0; i < 6; ++i) {
        const std::string rv = std::to_string(2000 + i);
        if (i % 2 == 0)
            stream += R"({"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"resourceVersion":")" + rv +
                      R"("},"data":{"blob":")" + big + R"("}}})";
        else
            stream += R"({"type":"ADDED","object":{"metadata":{"resourceVersion":")" + rv + R"("}}})";
        expected.push_back(std::string(i % 2 == 0 ? "MODIFIED " : "ADDED ") + rv);
    }
    std::mt19937 random(4242);
    for (int round = 0; round < 3; ++round) {
        std::vector<std::string_view> chunks;
        // Reads of 1 byte to 64 KiB, the range curl hands over.
        std::uniform_int_distribution<std::size_t> size(1, 64 * 1024);
        for (std::size_t at = 0; at < stream.size();) {
            const std::size_t n = std::min(size(random), stream.size() - at);
            chunks.push_back(std::string_view(stream).substr(at, n));
            at += n;
        }
        std::vector<WatchEvent> events;
        QCOMPARE(decode(chunks, &events), expected);
        QCOMPARE((*events[0].object)["data"]["blob"].get<std::string>().size(), big.size() - escapes);
    }
}

void TestWatchStreamDecoder::eventsKeepTheirContent()
{
    std::vector<WatchEvent> events;
    decode({Recorded}, &events);
    QCOMPARE(events.size(), std::size_t(5));
    const auto& annotations = (*events[1].object)["metadata"]["annotations"];
    QCOMPARE(annotations["note"].get<std::string>(), std::string(R"(quote " and backslash \ and \" and }{ ][)"));
    QCOMPARE(annotations["multi"].get<std::string>(), std::string("line one\nline two"));
    QCOMPARE(annotations["i18n"].get<std::string>(), std::string("Grüße, 世界 é"));
    QCOMPARE((*events[0].object)["spec"]["containers"][0]["args"][0].get<std::string>(), std::string("--msg={not a brace}"));
    QCOMPARE((*events[4].object)["code"].get<int>(), 410);
}

void TestWatchStreamDecoder::partialEventIsNotABoundary()
{
    WatchStreamDecoder decoder;
    int events = 0;
    QVERIFY(decoder.atBoundary());
    QVERIFY(decoder.feed(R"({"type":"ADDED","object":{"metadata":{}}}  {"type":"ADD)", [&](WatchEvent) { ++events; }));
    QCOMPARE(events, 1);
    QVERIFY(!decoder.atBoundary());
    QVERIFY(decoder.feed(R"(ED","object":{}})" "\n", [&](WatchEvent) { ++events; }));
    QCOMPARE(events, 2);
    QVERIFY(decoder.atBoundary());
}

void TestWatchStreamDecoder::malformedStreams_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("eventsBefore");
    QTest::addColumn<QByteArray>("error");

    QTest::newRow("HTML from a proxy") << QByteArray("<html>bad gateway</html>") << 0
                                       << QByteArray("the watch stream holds something other than JSON objects (byte '<')");
    QTest::newRow("a list, not events") << QByteArray(R"([{"type":"ADDED","object":{}}])") << 0
                                        << QByteArray("the watch stream holds something other than JSON objects (byte '[')");
    QTest::newRow("garbage after an event") << QByteArray(R"({"type":"ADDED","object":{}} oops)") << 1
                                            << QByteArray("the watch stream holds something other than JSON objects (byte 'o')");
    QTest::newRow("invalid JSON inside") << QByteArray(R"({"type":"ADDED","object":{"a":tru}})") << 0
                                         << QByteArray("a watch event is not valid JSON");
    QTest::newRow("no object") << QByteArray(R"({"type":"ADDED"})") << 0 << QByteArray("a watch event has no type or no object");
    QTest::newRow("type not a string") << QByteArray(R"({"type":1,"object":{}})") << 0
                                       << QByteArray("a watch event has no type or no object");
    // Found by fuzz/fuzz_watchstream: copying or printing such an object overflowed the stack.
    QTest::newRow("nested too deep") << QByteArray(R"({"type":"ADDED","object":{}})") + QByteArray(R"({"type":"ADDED","object":)")
            + QByteArray(100000, '[') + QByteArray(100000, ']') + '}'
                                     << 1 << QByteArray("a watch event is nested deeper than 1000 levels");
    QTest::newRow("deep but allowed, then invalid") << QByteArray(R"({"type":"ADDED","object":)") + QByteArray(999, '[')
            + QByteArray(999, ']') + QByteArray("}}")
                                                    << 0 << QByteArray("a watch event has no type or no object");
}

void TestWatchStreamDecoder::malformedStreams()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, eventsBefore);
    QFETCH(QByteArray, error);

    WatchStreamDecoder decoder;
    int events = 0;
    QVERIFY(!decoder.feed(stream.toStdString(), [&](WatchEvent) { ++events; }));
    QCOMPARE(events, eventsBefore);
    QCOMPARE(decoder.error(), str(error));
    QVERIFY(!decoder.atBoundary());
    // Once broken, it stays broken: later bytes cannot resynchronise into wrong events.
    QVERIFY(!decoder.feed(R"({"type":"ADDED","object":{}})", [&](WatchEvent) { ++events; }));
    QCOMPARE(events, eventsBefore);
}

QTEST_APPLESS_MAIN(TestWatchStreamDecoder)
#include "tst_watchstreamdecoder.moc"

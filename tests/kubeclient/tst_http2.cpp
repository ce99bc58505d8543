// SPDX-License-Identifier: Apache-2.0
// HTTP/2 multiplexing against a real HTTP/2 server (Node's http2 module, over TLS with ALPN, as
// kube-apiserver offers it): concurrent requests and watches of one client share one connection
// instead of opening one each.
#include "TestPki.h"
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/KubeClient.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using kube::JsonResult;
using namespace std::chrono_literals;

class TestHttp2 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void concurrentRequestsShareOneConnection();
};

void TestHttp2::concurrentRequestsShareOneConnection()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        QSKIP("node is not installed (scripts/install-deps installs nodejs)");
    const testpki::Identity ca = testpki::makeIdentity("test CA", nullptr, true);
    const testpki::Identity serverCert = testpki::makeIdentity("127.0.0.1", &ca, false, "IP:127.0.0.1", "serverAuth");
    QTemporaryDir dir;
    const QString certFile = dir.filePath(QStringLiteral("cert.pem"));
    const QString keyFile = dir.filePath(QStringLiteral("key.pem"));
    for (const auto& [path, pem] : {std::pair{certFile, serverCert.certPem()}, std::pair{keyFile, serverCert.keyPem()}}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(pem));
    }

    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(node, {QStringLiteral(MESHDECK_SOURCE_DIR "/tests/kubeclient/h2-server.js"), certFile, keyFile});
    QVERIFY(server.waitForStarted());
    QByteArray banner;
    while (!banner.contains('\n') && server.waitForReadyRead(20000))
        banner += server.readAllStandardOutput();
    QVERIFY2(banner.startsWith("port "), banner.constData());
    const int port = banner.mid(5).trimmed().toInt();

    kube::ClusterConnection connection;
    connection.server = "https://127.0.0.1:" + std::to_string(port);
    connection.caPem = ca.certPem();
    TaskQueue queue;
    // No client-side rate limit: all requests must be out at once.
    kube::KubeClient client(connection, queue.executor(), kube::ClientOptions{0, 1});

    // The server answers none of them until all are open together: they complete only when the
    // client sends them concurrently.
    constexpr int Requests = 24;
    std::vector<std::optional<JsonResult>> results(Requests);
    for (int i = 0; i < Requests; ++i)
        client.get("/hold?expect=" + std::to_string(Requests), [&results, i](JsonResult r) { results[i] = std::move(r); });
    QVERIFY(queue.runUntil([&] { return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.has_value(); }); }, 30s));
    for (const auto& result : results) {
        QVERIFY2(result->error.ok(), result->error.describe().c_str());
        QCOMPARE((*result->object)["httpVersion"].get<std::string>(), std::string("2.0"));
        QCOMPARE((*result->object)["concurrent"].get<int>(), Requests);
    }

    std::optional<JsonResult> stats;
    client.get("/stats", [&](JsonResult r) { stats = std::move(r); });
    QVERIFY(queue.runUntil([&] { return stats.has_value(); }));
    QVERIFY2(stats->error.ok(), stats->error.describe().c_str());
    QCOMPARE((*stats->object)["served"].get<int>(), Requests);
    // All of them, and the stats request after them, on one TLS connection.
    QCOMPARE((*stats->object)["connections"].get<int>(), 1);

    server.kill();
    server.waitForFinished();
}

QTEST_APPLESS_MAIN(TestHttp2)
#include "tst_http2.moc"

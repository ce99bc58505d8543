// SPDX-License-Identifier: Apache-2.0
// ReachabilityProbe on the demo cluster, through a connected session's clients (the status bar's
// probe) and through a client of its own (the context picker's): the same answers for each user,
// a 403 from the Prometheus service proxy told apart from Prometheus being down, a probe of its own
// asks the Prometheus URL a session of the context would, and a probe deleted mid-round leaves the
// session's client working.
#include "DemoClusterProcess.h"

#include "kubeclient/KubeClient.h"
#include "models/session/ClusterSession.h"
#include "models/session/ReachabilityProbe.h"

#include <QSignalSpy>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <variant>

class TestReachabilityProbe : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void answersForEachUser_data();
    void answersForEachUser();
    void ownClientAsksThePrometheusUrlGiven();
    void deletedMidRoundLeavesTheSessionWorking();

private:
    std::unique_ptr<DemoClusterProcess> m_cluster;
};

void TestReachabilityProbe::initTestCase() {
    // Without Prometheus: the admin's proxy request reaches the API server and fails behind it, the
    // bookinfo user's is refused by the API server itself.
    m_cluster = std::make_unique<DemoClusterProcess>(DemoClusterProcess::Prometheus::Off);
    QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
}

void TestReachabilityProbe::answersForEachUser_data() {
    QTest::addColumn<QString>("context");
    QTest::addColumn<bool>("throughSession");
    QTest::addColumn<QString>("identity");
    QTest::addColumn<bool>("prometheusForbidden");
    QTest::addColumn<bool>("namespacesFallback");
    for (const bool throughSession : {true, false}) {
        const char* how = throughSession ? "session" : "own client";
        QTest::addRow("admin, %s", how) << QStringLiteral("meshdeck-demo") << throughSession
                                        << QStringLiteral("meshdeck-admin") << false << false;
        QTest::addRow("bookinfo, %s", how) << QStringLiteral("meshdeck-demo-bookinfo") << throughSession
                                           << QStringLiteral("meshdeck-bookinfo") << true << true;
    }
}

void TestReachabilityProbe::answersForEachUser() {
    QFETCH(QString, context);
    QFETCH(bool, throughSession);
    QFETCH(QString, identity);
    QFETCH(bool, prometheusForbidden);
    QFETCH(bool, namespacesFallback);
    const auto session = m_cluster->session(context.toStdString());
    const auto connection = m_cluster->connection(context.toStdString());
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));
    std::unique_ptr<ReachabilityProbe> probe =
        throughSession ? std::make_unique<ReachabilityProbe>(session.get())
                       : std::make_unique<ReachabilityProbe>(std::get<kube::ClusterConnection>(connection), QString());
    QCOMPARE(probe->contextName(), context);
    QSignalSpy probed(probe.get(), &ReachabilityProbe::probed);
    probe->probe();
    QTRY_COMPARE_WITH_TIMEOUT(probed.count(), 1, 30000);
    const Reachability result = probe->last();
    QVERIFY2(result.reachable, qPrintable(result.error));
    QVERIFY(result.latencyMs >= 0);
    QCOMPARE(result.identity, identity);
    QVERIFY(!result.prometheusReachable);
    QCOMPARE(result.prometheusForbidden, prometheusForbidden);
    QVERIFY(!result.prometheusError.isEmpty());
    QCOMPARE(result.namespacesFallback, namespacesFallback);
    QVERIFY(result.namespaces.contains(u"bookinfo"));
    QCOMPARE(result.namespaces.contains(u"istio-system"), !namespacesFallback);
}

void TestReachabilityProbe::ownClientAsksThePrometheusUrlGiven() {
    // A loopback port bound but not listening: connecting is refused, and nothing else can take the
    // port while the test holds it.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    QVERIFY(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    QVERIFY(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(ntohs(address.sin_port));

    // The bookinfo user, whom the service proxy refuses (403, answersForEachUser), with a URL of
    // its own: the probe asks that URL, not the proxy, and says Prometheus does not answer there.
    const auto connection = m_cluster->connection("meshdeck-demo-bookinfo");
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));
    ReachabilityProbe probe(std::get<kube::ClusterConnection>(connection), url);
    QSignalSpy probed(&probe, &ReachabilityProbe::probed);
    probe.probe();
    QTRY_COMPARE_WITH_TIMEOUT(probed.count(), 1, 30000);
    const Reachability result = probe.last();
    QVERIFY2(result.reachable, qPrintable(result.error)); // the API server still is
    QVERIFY(!result.prometheusReachable);
    QVERIFY2(!result.prometheusForbidden, qPrintable(result.prometheusError));
    QVERIFY2(result.prometheusError.contains(url.mid(7)), qPrintable(result.prometheusError));
}

void TestReachabilityProbe::deletedMidRoundLeavesTheSessionWorking() {
    const auto session = m_cluster->session("meshdeck-demo-bookinfo");
    auto probe = std::make_unique<ReachabilityProbe>(session.get());
    probe->probe();
    // Its four requests are cancelled on the session's client, which stays; an answer delivered to
    // the deleted probe would be a use after free (the ASan build catches it).
    probe.reset();

    bool answered = false;
    session->kube().get("/version", [&answered](const kube::JsonResult& result) { answered = result.error.ok(); });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 30000);
}

QTEST_MAIN(TestReachabilityProbe)
#include "tst_reachabilityprobe.moc"

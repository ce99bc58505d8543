// SPDX-License-Identifier: Apache-2.0
// The real meshdeck binary's command line: GNU conventions for --help, --version and usage errors.
#include <QProcess>
#include <QTest>

class TestCommandLine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void conventions_data();
    void conventions();
};

void TestCommandLine::conventions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stdoutHas");
    QTest::addColumn<QString>("stderrHas");

    const QString version = QStringLiteral("meshdeck " MESHDECK_VERSION "\n");
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0 << version << QString();
    QTest::newRow("-v") << QStringList{QStringLiteral("-v")} << 0 << version << QString();
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0 << QStringLiteral("--kubeconfig <path>")
                            << QString();
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << 0 << QStringLiteral("Usage: ") << QString();
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--bogus")} << 2 << QString()
                                    << QStringLiteral("meshdeck: Unknown option 'bogus'.");
    QTest::newRow("missing value") << QStringList{QStringLiteral("--kubeconfig")} << 2 << QString()
                                   << QStringLiteral("'--kubeconfig'");
    QTest::newRow("positional") << QStringList{QStringLiteral("stray")} << 2 << QString()
                                << QStringLiteral("unexpected argument 'stray'");
    QTest::newRow("bad graph kind") << QStringList{QStringLiteral("--graph-kind=tree")} << 2 << QString()
                                    << QStringLiteral("--graph-kind 'tree'");
    QTest::newRow("bad theme") << QStringList{QStringLiteral("--theme"), QStringLiteral("purple")} << 2 << QString()
                               << QStringLiteral("--theme 'purple' is not one of light, dark");
    QTest::newRow("empty namespace in a list") << QStringList{QStringLiteral("--namespace"), QStringLiteral("bookinfo,,mesh")} << 2
                                               << QString() << QStringLiteral("--namespace 'bookinfo,,mesh': '' is not a namespace name");
    QTest::newRow("namespace not a DNS label") << QStringList{QStringLiteral("-n"), QStringLiteral("bookinfo,Shop_EU")} << 2
                                               << QString() << QStringLiteral("'Shop_EU' is not a namespace name");
    QTest::newRow("prometheus url not http") << QStringList{QStringLiteral("--prometheus-url"), QStringLiteral("127.0.0.1:9090")} << 2
                                             << QString() << QStringLiteral("--prometheus-url: '127.0.0.1:9090' is not an http or https URL");
    QTest::newRow("prometheus url with a password")
        << QStringList{QStringLiteral("--prometheus-url=https://ops:s3cret@prometheus.example")} << 2 << QString()
        << QStringLiteral("--prometheus-url: the URL carries a user name or password: MeshDeck keeps no Prometheus credentials");
    QTest::newRow("prometheus url in --help") << QStringList{QStringLiteral("--help")} << 0
                                              << QStringLiteral("--prometheus-url <url>") << QString();
    QTest::newRow("bad screenshot part") << QStringList{QStringLiteral("--screenshot-of"), QStringLiteral("charts")} << 2
                                         << QString()
                                         << QStringLiteral("--screenshot-of 'charts' is not one of window, telemetry, graph");
    QTest::newRow("graph-only screenshot in --help") << QStringList{QStringLiteral("--help")} << 0
                                                     << QStringLiteral("--screenshot-of <window|telemetry|graph>") << QString();
    QTest::newRow("error says where help is") << QStringList{QStringLiteral("-x")} << 2 << QString()
                                              << QStringLiteral("Try 'meshdeck --help' for more information.");
}

void TestCommandLine::conventions()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, stdoutHas);
    QFETCH(QString, stderrHas);

    QProcess meshdeck;
    // --help and --version must work without any display: the binary picks one itself.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    // Usage errors are found before anything needs a display, but QApplication comes first.
    if (exitCode != 0)
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    meshdeck.setProcessEnvironment(environment);
    meshdeck.start(QStringLiteral(MESHDECK_APP_BIN), arguments);
    QVERIFY2(meshdeck.waitForFinished(60000), "meshdeck did not exit");
    const QString out = QString::fromUtf8(meshdeck.readAllStandardOutput());
    const QString err = QString::fromUtf8(meshdeck.readAllStandardError());
    QCOMPARE(meshdeck.exitStatus(), QProcess::NormalExit);
    QVERIFY2(meshdeck.exitCode() == exitCode, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(meshdeck.exitCode()).arg(err)));
    if (exitCode == 0) {
        QVERIFY2(out.contains(stdoutHas), qPrintable(out));
        QVERIFY2(!err.contains(u"meshdeck:"), qPrintable(err)); // Qt may warn about the environment
    } else {
        QVERIFY2(out.isEmpty(), qPrintable(out)); // errors never go to stdout
        QVERIFY2(err.contains(stderrHas), qPrintable(err));
    }
    if (arguments.first().startsWith(QStringLiteral("-v")) || arguments.first() == u"--version")
        QCOMPARE(out, stdoutHas); // exactly "meshdeck X.Y.Z", for scripts that parse it
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"

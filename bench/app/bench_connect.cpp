// SPDX-License-Identifier: Apache-2.0
// Issue 9's figures, measured on the real window against real demo clusters with Prometheus:
//   cold start of the real `meshdeck` binary to its first painted window (goal < 0.5 s), timed from
//   outside (FirstPaintReporter), five starts, the median;
//   first bookinfo graph with live numbers after the cluster is ready (goal < 2 s);
//   resident memory with bookinfo (goal < 150 MB) and its growth over a long run (goal: < 10 % in
//   30 minutes; the run's length is the first argument in minutes, 5 by default, and the growth is
//   extrapolated linearly to 30 minutes and printed as such);
//   context switch between two demo clusters to the new graph (goal < 1 s).
//   bench_connect [MINUTES]      e.g. `bench_connect 30` for the full half hour
#include "MainWindow.h"
#include "ProcessMemory.h"

#include "views/graph/EdgeItem.h"
#include "views/graph/GraphView.h"
#include "views/graph/NodeItem.h"
#include "views/pages/MeshPage.h"
#include "views/shell/FirstPaintReporter.h"

#include "models/audit/AuditLog.h"
#include "models/graph/EdgeTelemetryLoader.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"
#include "models/session/DemoClusterLauncher.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QGraphicsScene>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

// The real binary's cold start: `meshdeck` as a child on the offscreen platform with an empty home (so
// the welcome page), timed from asking for the process to its first-paint line; -1 if it never came.
// Its files are in the page cache by now (this process loaded the same libraries): a warm start.
double coldStartMs(const QString& home)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home);
    for (const char* variable : {"KUBECONFIG", "XDG_CONFIG_HOME", "XDG_DATA_HOME"})
        environment.remove(QString::fromLatin1(variable));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QString::fromLatin1(FirstPaintReporter::EnvironmentVariable), QStringLiteral("1"));
    QProcess meshdeck;
    meshdeck.setProcessEnvironment(environment);
    meshdeck.setReadChannel(QProcess::StandardError);
    QElapsedTimer clock;
    clock.start();
    meshdeck.start(QStringLiteral(MESHDECK_APP_BIN), QStringList());
    QByteArray said;
    double paintedAt = -1;
    while (clock.elapsed() < 20000 && meshdeck.state() != QProcess::NotRunning) {
        meshdeck.waitForReadyRead(100);
        said += meshdeck.readAllStandardError();
        if (said.contains(FirstPaintReporter::Line)) {
            paintedAt = double(clock.nsecsElapsed()) / 1e6;
            break;
        }
    }
    meshdeck.terminate();
    if (!meshdeck.waitForFinished(5000))
        meshdeck.kill();
    meshdeck.waitForFinished(5000);
    return paintedAt;
}

bool graphHasLiveNumbers(MainWindow& window)
{
    if (!window.meshPage())
        return false;
    const auto items = window.meshPage()->graphView()->scene()->items();
    return std::any_of(items.cbegin(), items.cend(), [](QGraphicsItem* item) {
        auto* edge = dynamic_cast<EdgeItem*>(item);
        return edge && edge->edge().requestsPerSecond > 0;
    });
}

bool graphShows(MainWindow& window, const QString& nodeName)
{
    if (!window.meshPage())
        return false;
    const auto items = window.meshPage()->graphView()->scene()->items();
    return std::any_of(items.cbegin(), items.cend(), [&](QGraphicsItem* item) {
        auto* node = dynamic_cast<NodeItem*>(item);
        return node && node->node().name == nodeName;
    });
}

void print(const char* what, double value, const char* unit, double goal)
{
    std::printf("%-62s %9.1f %s   (goal < %g %s)%s\n", what, value, unit, goal, unit,
                value < 0 ? "  NOT REACHED" : "");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QTemporaryDir home;
    qputenv("HOME", home.path().toLocal8Bit()); // no kubeconfig anywhere: the welcome page
    qunsetenv("KUBECONFIG");
    QApplication app(argc, argv);
    const int minutes = argc > 1 ? std::max(1, atoi(argv[1])) : 5;

    constexpr int starts = 5;
    std::vector<double> coldStarts;
    for (int i = 0; i < starts; ++i)
        coldStarts.push_back(coldStartMs(home.path()));
    std::printf("(meshdeck started %d times, to its first paint:", starts);
    for (double ms : coldStarts)
        std::printf(" %.0f", ms);
    std::printf(" ms)\n");
    std::sort(coldStarts.begin(), coldStarts.end());
    print("cold start of meshdeck to its first painted window (median)", coldStarts[starts / 2], "ms", 500);

    AuditLog audit(home.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.show();

    // The bookinfo cluster with its Prometheus, started the way the welcome page starts it.
    const QString binary = QStringLiteral(MESHDECK_DEMOCLUSTER_BIN);
    DemoClusterLauncher bookinfo;
    bookinfo.start(binary);
    if (!bookinfo.waitForReady(120000)) {
        std::fprintf(stderr, "the bookinfo demo cluster did not start; its log: %s\n", qPrintable(bookinfo.logPath()));
        return 1;
    }
    std::printf("(bookinfo demo cluster with Prometheus ready after %lld ms)\n", bookinfo.startupMs());
    QElapsedTimer sinceReady;
    sinceReady.start();
    qputenv("KUBECONFIG", bookinfo.kubeconfigPath().toLocal8Bit());
    if (!window.openKubeconfig() || !window.connectTo({}))
        return 1;
    // Where the time goes: the namespace's lists, then the first Prometheus answer with traffic in it.
    qint64 listsIn = -1;
    qint64 trafficIn = -1;
    QObject::connect(window.meshPage()->findChild<MeshTopologyLoader*>(), &MeshTopologyLoader::topologyAvailable,
                     window.meshPage(), [&] {
                         if (listsIn < 0)
                             listsIn = sinceReady.elapsed();
                     });
    QObject::connect(window.meshPage()->findChild<EdgeTelemetryLoader*>(), &EdgeTelemetryLoader::telemetryAvailable,
                     window.meshPage(), [&](const EdgeTelemetry& telemetry) {
                         const bool traffic = std::any_of(telemetry.samples.cbegin(), telemetry.samples.cend(),
                                                          [](const EdgeSample& s) { return s.requestsPerSecond > 0; });
                         if (trafficIn < 0 && traffic)
                             trafficIn = sinceReady.elapsed();
                     });
    const bool nodes = QTest::qWaitFor([&] { return graphShows(window, QStringLiteral("productpage")); }, 120000);
    const double firstNodes = nodes ? double(sinceReady.elapsed()) : -1;
    const bool live = QTest::qWaitFor([&] { return graphHasLiveNumbers(window); }, 120000);
    const double firstLive = live ? double(sinceReady.elapsed()) : -1;
    std::printf("(after the ready line: lists in at %lld ms, Prometheus' first answer with traffic at %lld ms)\n",
                listsIn, trafficIn);
    print("cluster ready to the first bookinfo graph (nodes)", firstNodes, "ms", 2000);
    print("cluster ready to the first graph with live numbers", firstLive, "ms", 2000);
    if (!QTest::qWaitFor([&] { return window.meshPage()->showsLiveData(); }, 60000))
        std::fprintf(stderr, "the charts never showed live data\n");
    QTest::qWait(10000); // settle: charts filled, caches warm
    const double rssLive = ProcessMemory::now().resident;
    print("resident memory with bookinfo live (graph + charts)", rssLive, "MB", 150);

    // A second cluster (a generated mesh of 12 services), its contexts renamed into one $KUBECONFIG.
    DemoClusterLauncher generated;
    generated.start(binary, DemoClusterLauncher::Prometheus::Auto, {QStringLiteral("--services"), QStringLiteral("12")});
    if (!generated.waitForReady(120000)) {
        std::fprintf(stderr, "the second demo cluster did not start; its log: %s\n", qPrintable(generated.logPath()));
        return 1;
    }
    QFile source(generated.kubeconfigPath());
    QFile renamed(home.filePath(QStringLiteral("demo-b.kubeconfig")));
    if (!source.open(QIODevice::ReadOnly) || !renamed.open(QIODevice::WriteOnly))
        return 1;
    renamed.write(source.readAll().replace("meshdeck-demo", "demo-b"));
    renamed.close();
    qputenv("KUBECONFIG", (bookinfo.kubeconfigPath() + u':' + renamed.fileName()).toLocal8Bit());
    window.openKubeconfig();
    QTest::qWait(15000); // let the second Prometheus scrape a few times
    for (int round = 0; round < 2; ++round) {
        const bool toB = round == 0;
        QElapsedTimer clock;
        clock.start();
        window.connectTo(toB ? QStringLiteral("demo-b") : QStringLiteral("meshdeck-demo"));
        const QString expect = toB ? QStringLiteral("mesh") : QStringLiteral("bookinfo");
        // Where the time goes: the namespace's lists, Prometheus' first answer, the graph.
        qint64 toTopology = -1;
        qint64 toTelemetry = -1;
        QObject::connect(window.meshPage()->findChild<MeshTopologyLoader*>(), &MeshTopologyLoader::topologyAvailable,
                         window.meshPage(), [&] {
                             if (toTopology < 0)
                                 toTopology = clock.elapsed();
                         });
        QObject::connect(window.meshPage()->findChild<EdgeTelemetryLoader*>(), &EdgeTelemetryLoader::telemetryAvailable,
                         window.meshPage(), [&] {
                             if (toTelemetry < 0)
                                 toTelemetry = clock.elapsed();
                         });
        const bool graph = QTest::qWaitFor([&] { return window.meshPage()->graphView()->nodeItemCount() > 0; }, 60000);
        const qint64 toGraph = graph ? clock.elapsed() : -1;
        const bool live = QTest::qWaitFor([&] { return graphHasLiveNumbers(window); }, 60000);
        const qint64 toLive = live ? clock.elapsed() : -1;
        std::printf("context switch to %s (namespace %s): lists in at %lld ms, first telemetry at %lld ms\n",
                    toB ? "demo-b" : "meshdeck-demo", qPrintable(expect), toTopology, toTelemetry);
        print("  to the new graph", double(toGraph), "ms", 1000);
        print("  to the new graph with live numbers", double(toLive), "ms", 1000);
        QTest::qWait(3000);
    }

    // The long run on bookinfo: RSS every 30 s.
    const double rssStart = ProcessMemory::now().resident;
    std::printf("live refresh on bookinfo for %d minute(s), RSS every 30 s:\n", minutes);
    std::printf("  %5.1f min  %7.1f MB\n", 0.0, rssStart);
    QElapsedTimer run;
    run.start();
    double rssEnd = rssStart;
    while (run.elapsed() < qint64(minutes) * 60000) {
        QTest::qWait(30000);
        rssEnd = ProcessMemory::now().resident;
        std::printf("  %5.1f min  %7.1f MB\n", run.elapsed() / 60000.0, rssEnd);
        std::fflush(stdout);
    }
    const double growth = (rssEnd - rssStart) / rssStart * 100.0;
    std::printf("RSS growth over %d minute(s): %+.1f %% (%.1f -> %.1f MB)\n", minutes, growth, rssStart, rssEnd);
    if (minutes < 30)
        std::printf("linear extrapolation to 30 minutes: %+.1f %% (goal < 10 %%; run `bench_connect 30` to measure it)\n",
                    growth * 30.0 / minutes);
    return 0;
}

// SPDX-License-Identifier: Apache-2.0
// The whole app on a large live mesh: MainWindow as app/main.cpp builds it, connected to
// `meshdeck-democluster --services N` (2,000 by default) with its Prometheus, until the graph shows
// live numbers; then the time to that picture phase by phase, and resident memory (goal: under
// 250 MB for the whole app at 2,000 services) split into heap, other anonymous memory and mapped
// files (libraries, fonts), at each step. Then it stays live for MINUTES (5 by default) and prints
// every 30 s the app's memory, the demo cluster's own RSS, and how many topologies were published
// and lists made (the topology is watched: after the first lists, changes come by watch), so that
// a plateau, or growth, shows.
//   bench_bigmesh_app [SERVICES] [MINUTES] [DEMOCLUSTER_BINARY]
#include "MainWindow.h"
#include "ProcessMemory.h"

#include "views/graph/EdgeItem.h"
#include "views/graph/GraphView.h"
#include "views/graph/NodeItem.h"
#include "views/pages/MeshPage.h"

#include "models/audit/AuditLog.h"
#include "models/graph/EdgeTelemetryLoader.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/DemoClusterLauncher.h"

#include "kubeclient/MallocTuning.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

void printMemory(const char* when)
{
    const ProcessMemory memory = ProcessMemory::now();
    std::printf("  %-44s RSS %7.1f MB = anonymous %7.1f (malloc in use %6.1f, free in its arenas %6.1f) + files %6.1f + shared %5.1f\n",
                when, memory.resident, memory.anonymous, memory.mallocInUse, memory.mallocFree, memory.files, memory.shared);
    std::fflush(stdout);
}

enum class Count { Nodes, Edges, LiveEdges };

int countItems(MainWindow& window, Count what)
{
    const auto items = window.meshPage()->graphView()->scene()->items();
    return int(std::count_if(items.cbegin(), items.cend(), [&](QGraphicsItem* item) {
        if (auto* edge = dynamic_cast<EdgeItem*>(item))
            return what == Count::Edges || (what == Count::LiveEdges && edge->edge().requestsPerSecond > 0);
        return what == Count::Nodes && dynamic_cast<NodeItem*>(item) != nullptr;
    }));
}

} // namespace

int main(int argc, char** argv)
{
    kube::tuneMallocForLargeAnswers(); // as app/main.cpp does
    QTemporaryDir home;
    qputenv("HOME", home.path().toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toLocal8Bit());
    qunsetenv("KUBECONFIG");
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int services = argc > 1 ? std::max(1, atoi(argv[1])) : 2000;
    const double minutes = argc > 2 ? std::max(0.5, atof(argv[2])) : 5.0;
    const QString binary = argc > 3 ? QString::fromLocal8Bit(argv[3]) : QStringLiteral(MESHDECK_DEMOCLUSTER_BIN);

    std::printf("MeshDeck on a generated mesh of %d services, live:\n", services);
    printMemory("QApplication only");
    AuditLog audit(home.filePath(QStringLiteral("audit.jsonl")));
    MainWindow window(&audit);
    window.resize(1600, 1000);
    window.show();
    QTest::qWait(200);
    printMemory("window shown (welcome page)");

    QElapsedTimer clusterClock;
    clusterClock.start();
    DemoClusterLauncher cluster;
    cluster.start(binary, DemoClusterLauncher::Prometheus::Auto, {QStringLiteral("--services"), QString::number(services)});
    if (!cluster.waitForReady(300000)) {
        std::fprintf(stderr, "the demo cluster did not start; its log: %s\n", qPrintable(cluster.logPath()));
        return 1;
    }
    std::printf("  (demo cluster with Prometheus ready after %lld ms)\n", cluster.startupMs());

    QElapsedTimer sinceReady;
    sinceReady.start();
    qputenv("KUBECONFIG", cluster.kubeconfigPath().toLocal8Bit());
    if (!window.openKubeconfig() || !window.connectTo({}, QStringLiteral("mesh")))
        return 1;
    auto* topologyLoader = window.meshPage()->findChild<MeshTopologyLoader*>();
    int topologies = 0;
    qint64 listsIn = -1;
    qint64 firstTelemetry = -1;
    qint64 trafficIn = -1;
    int telemetryAnswers = 0;
    QObject::connect(topologyLoader, &MeshTopologyLoader::topologyAvailable,
                     window.meshPage(), [&] {
                         ++topologies;
                         if (listsIn < 0)
                             listsIn = sinceReady.elapsed();
                     });
    QObject::connect(window.meshPage()->findChild<EdgeTelemetryLoader*>(), &EdgeTelemetryLoader::telemetryAvailable,
                     window.meshPage(), [&](const EdgeTelemetry& telemetry) {
                         ++telemetryAnswers;
                         if (firstTelemetry < 0)
                             firstTelemetry = sinceReady.elapsed();
                         const bool traffic = std::any_of(telemetry.samples.cbegin(), telemetry.samples.cend(),
                                                          [](const EdgeSample& s) { return s.requestsPerSecond > 0; });
                         if (trafficIn < 0 && traffic)
                             trafficIn = sinceReady.elapsed();
                     });

    // Idle nodes are hidden by default, so the first picture may hold fewer nodes than services.
    const bool shown = QTest::qWaitFor([&] { return window.meshPage() && countItems(window, Count::Nodes) > 0; }, 300000);
    const qint64 graphIn = shown ? sinceReady.elapsed() : -1;
    printMemory("graph laid out and drawn");
    const bool live = QTest::qWaitFor([&] { return countItems(window, Count::LiveEdges) > 0; }, 300000);
    const qint64 liveIn = live ? sinceReady.elapsed() : -1;
    printMemory("graph with live numbers");
    // Live for a while: memory must level off, the app's and the demo cluster's.
    std::printf("  live for %.1f minutes, every 30 s (demo cluster: its own RSS, Prometheus not included):\n", minutes);
    QElapsedTimer liveClock;
    liveClock.start();
    std::vector<double> rssSeries;
    while (liveClock.elapsed() < qint64(minutes * 60000)) {
        QTest::qWait(30000);
        rssSeries.push_back(ProcessMemory::now().resident);
        char when[96];
        std::snprintf(when, sizeof when, "%5.1f min: cluster %6.1f MB, %d topologies, %d lists", liveClock.elapsed() / 60000.0,
                      ProcessMemory::residentOf(cluster.processId()), topologies, topologyLoader->listCount());
        printMemory(when);
    }
    std::printf("  graph: %d nodes, %d edges, %d of them with traffic now; %d telemetry answers\n",
                countItems(window, Count::Nodes), countItems(window, Count::Edges), countItems(window, Count::LiveEdges),
                telemetryAnswers);

    std::printf("Time from the cluster's ready line (ms):\n");
    std::printf("  namespace lists in (MeshTopologyLoader)      %8lld\n", listsIn);
    std::printf("  graph built, laid out and in the scene       %8lld\n", graphIn);
    std::printf("  Prometheus' first edge answer                %8lld\n", firstTelemetry);
    std::printf("  ... the first one with traffic in it         %8lld\n", trafficIn);
    std::printf("  graph with live numbers                      %8lld\n", liveIn);
    const double rss = ProcessMemory::now().resident;
    std::printf("resident memory of the whole app, %d services live: %.1f MB (goal < 250 MB)%s\n", services, rss,
                rss < 250 ? "" : "  NOT MET");
    if (rssSeries.size() >= 4) {
        // A plateau: the second half of the run peaks no higher than the first half did, give or take.
        const auto half = rssSeries.begin() + qsizetype(rssSeries.size() / 2);
        const double firstPeak = *std::max_element(rssSeries.begin(), half);
        const double secondPeak = *std::max_element(half, rssSeries.end());
        std::printf("peak RSS in the first half of the live run %.1f MB, in the second half %.1f MB (%+.1f MB)\n", firstPeak,
                    secondPeak, secondPeak - firstPeak);
    }
    return live ? 0 : 1;
}

// SPDX-License-Identifier: Apache-2.0
// The mesh graph at scale, offscreen with Qt's software rendering: for generated meshes of 100 to
// 5,000 services, the time to build, lay out, create the items and paint the first frame at
// fit-to-window, frame times while zooming and panning (the viewport rendered into a QImage per
// frame), the time to refresh every number (at an overview scale, at 1:1, and in the model alone),
// and resident memory. Frames come in two kinds, printed apart: interactive frames, made while a
// wheel zoom or a drag is in progress from the last full picture (scrolled, with the strip that
// came into view painted by the items, or scaled, with the margin a zoom out brings drawn by the
// overview), and settle renders, the full crisp paint by the items
// once input has rested for GraphView::SettleMs (one per zoom scale, also one by one with its
// scale, and one after each pan). Prints every figure: wall time, and beside it the process's CPU time,
// which says what the work costs when other processes share the cores.
#include "GeneratedMesh.h"

#include "views/graph/GraphView.h"

#include "models/graph/GraphRebuilder.h"
#include "models/graph/LayeredLayout.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QScrollBar>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

namespace {

double cpuMs(clockid_t clock = CLOCK_PROCESS_CPUTIME_ID)
{
    timespec now{};
    clock_gettime(clock, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

struct Cost {
    double wall = 0;
    double cpu = 0;
};

Cost timed(const std::function<void()>& work)
{
    QElapsedTimer timer;
    const double cpuBefore = cpuMs();
    timer.start();
    work();
    return {double(timer.nsecsElapsed()) / 1e6, cpuMs() - cpuBefore};
}

double percentile(std::vector<Cost> values, double p, double Cost::*of = &Cost::wall)
{
    std::sort(values.begin(), values.end(), [of](const Cost& a, const Cost& b) { return a.*of < b.*of; });
    return values.empty() ? 0 : values[std::min(values.size() - 1, size_t(p * double(values.size())))].*of;
}

// "wall (cpu)" of the p-th percentile of each.
QByteArray both(const std::vector<Cost>& values, double p)
{
    return QByteArray::number(percentile(values, p), 'f', 1) + " (" + QByteArray::number(percentile(values, p, &Cost::cpu), 'f', 1) + ")";
}

QByteArray both(const Cost& cost)
{
    return both(std::vector<Cost>{cost}, 0);
}

long residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

// What the screen would show: the viewport, painted by the view as on screen, into an image.
Cost renderFrame(GraphView& view, QImage& image)
{
    return timed([&] {
        image.fill(Qt::white);
        view.viewport()->render(&image);
    });
}

// Lets the view's settle timer fire, as the event loop would once the user stops.
void waitUntilSettled(GraphView& view)
{
    while (view.isInteracting())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

struct Frames {
    std::vector<Cost> zoomIn;      // interactive, one wheel gesture from fit-to-window to 1:1
    std::vector<Cost> zoomOut;     // interactive, one gesture back out: the overview draws the margin
    std::vector<Cost> settle;      // the full paint once input rests, at each zoom-in scale
    std::vector<double> settleScales;
    std::vector<Cost> pan;         // interactive, both scales
    std::vector<Cost> panAtOne;    // 1:1, labels and curves
    std::vector<Cost> panOverview; // an overview scale, blocks and lines
    std::vector<Cost> settleAfterPan;
};

Frames measureFrames(GraphView& view, QImage& image)
{
    Frames frames;
    view.fitToWindow();
    renderFrame(view, image);
    const double fit = view.transform().m11();
    const QPointF centre = view.sceneRect().center();
    // Zoom in from fit-to-window to 1:1 around the middle, as a wheel would, in 20 steps, then out
    // again; each gesture without a pause, so every frame comes from the picture it started with.
    constexpr int ZoomSteps = 20;
    const double step = std::pow(1.0 / fit, 1.0 / ZoomSteps);
    for (int i = 1; i <= ZoomSteps; ++i) {
        view.zoomBy(step);
        view.centerOn(centre);
        frames.zoomIn.push_back(renderFrame(view, image));
    }
    waitUntilSettled(view);
    renderFrame(view, image);
    for (int i = 1; i <= ZoomSteps; ++i) {
        view.zoomBy(1 / step);
        view.centerOn(centre);
        frames.zoomOut.push_back(renderFrame(view, image));
    }
    // What the user waits for after each wheel step: the crisp paint at that scale.
    for (int i = 1; i <= ZoomSteps; ++i) {
        view.zoomBy(step);
        view.centerOn(centre);
        waitUntilSettled(view);
        frames.settle.push_back(renderFrame(view, image));
        frames.settleScales.push_back(view.transform().m11());
    }
    // Pan by dragging at 1:1 and at an overview scale, 20 frames of 60 px each.
    for (double scale : {1.0, 0.35}) {
        view.setTransform(QTransform::fromScale(scale, scale));
        view.centerOn(centre);
        waitUntilSettled(view);
        renderFrame(view, image);
        for (int i = 0; i < 20; ++i) {
            QScrollBar* bar = i % 10 < 5 ? view.horizontalScrollBar() : view.verticalScrollBar();
            bar->setValue(bar->value() + (i < 10 ? 60 : -60));
            const Cost ms = renderFrame(view, image);
            frames.pan.push_back(ms);
            (scale == 1.0 ? frames.panAtOne : frames.panOverview).push_back(ms);
        }
        waitUntilSettled(view);
        frames.settleAfterPan.push_back(renderFrame(view, image));
    }
    return frames;
}

void run(int services, QGraphicsScene::ItemIndexMethod index, GraphKind kind = GraphKind::VersionedApp)
{
    const GeneratedMesh mesh = generatedMesh(services);
    const GeneratedMesh busier = generatedMesh(services, 1.3);
    MeshGraph graph;
    const GraphOptions options{kind, false};
    const Cost buildMs = timed([&] { graph = MeshGraphBuilder::build(mesh.topology, mesh.telemetry, options); });

    // The layout alone, on indices, as the worker thread runs it.
    QHash<QString, int> ids;
    for (const GraphNode& n : graph.nodes)
        ids.insert(n.id, int(ids.size()));
    QList<LayeredLayout::Link> links;
    for (const GraphEdge& e : graph.edges)
        links.append({ids.value(e.source), ids.value(e.target)});
    const Cost layoutMs = timed([&] { LayeredLayout::compute(int(ids.size()), links); });

    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(std::numeric_limits<int>::max()); // measured inline here
    GraphView view;
    view.scene()->setItemIndexMethod(index);
    view.resize(1600, 1000);
    view.show();
    QCoreApplication::processEvents();
    view.setModel(&model);
    QImage image(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);

    const Cost modelMs = timed([&] { model.setGraph(graph); }); // layout + rows + items + fit
    const Cost firstPaintMs = renderFrame(view, image);
    const double fitScale = view.transform().m11();
    const Frames frames = measureFrames(view, image);

    std::vector<Cost> refresh;
    for (int i = 0; i < 6; ++i) {
        MeshGraph next = MeshGraphBuilder::build((i % 2 ? mesh : busier).topology, (i % 2 ? mesh : busier).telemetry, options);
        // The model's notifications update the items synchronously; the repaint they schedule is
        // measured apart, below, as a frame.
        refresh.push_back(timed([&] { model.setGraph(std::move(next)); }));
    }
    // The same at 1:1, where every node is drawn by its own item from a cache its new numbers
    // invalidate (above, the view was left at an overview scale).
    view.setTransform(QTransform());
    view.centerOn(view.sceneRect().center());
    waitUntilSettled(view); // the paints after refreshes are full paints, not interactive frames
    renderFrame(view, image);
    std::vector<Cost> refreshAtOne;
    for (int i = 0; i < 6; ++i) {
        MeshGraph next = MeshGraphBuilder::build((i % 2 ? mesh : busier).topology, (i % 2 ? mesh : busier).telemetry, options);
        refreshAtOne.push_back(timed([&] { model.setGraph(std::move(next)); }));
    }
    const Cost refreshPaintAtOneMs = renderFrame(view, image);
    // The model's share of a refresh: the same graphs into a model no view listens to.
    MeshGraphModel bare;
    bare.setBackgroundLayoutThreshold(std::numeric_limits<int>::max());
    bare.setGraph(graph);
    std::vector<Cost> refreshModelOnly;
    for (int i = 0; i < 6; ++i) {
        MeshGraph next = MeshGraphBuilder::build((i % 2 ? mesh : busier).topology, (i % 2 ? mesh : busier).telemetry, options);
        refreshModelOnly.push_back(timed([&] { bare.setGraph(std::move(next)); }));
    }
    // The refresh as the page makes it: GraphRebuilder builds on a worker thread; the GUI thread
    // hands the inputs over, then applies the built graph to the model, whose notifications update
    // the view's items (the repaint that follows is the "paint after refresh" above). The GUI
    // thread's CPU time (its own clock) is what the window cannot spend on frames.
    GraphRebuilder rebuilder(&model);
    rebuilder.setBackgroundThreshold(0);
    std::vector<Cost> handOver;   // rebuild(): the inputs copied into the task
    std::vector<Cost> worker;     // until the worker is done (wall only)
    std::vector<Cost> applyBuilt; // the finished build delivered: setGraph, items updated
    auto threadTimed = [](const std::function<void()>& work) {
        QElapsedTimer timer;
        const double before = cpuMs(CLOCK_THREAD_CPUTIME_ID);
        timer.start();
        work();
        return Cost{double(timer.nsecsElapsed()) / 1e6, cpuMs(CLOCK_THREAD_CPUTIME_ID) - before};
    };
    for (int i = 0; i < 6; ++i) {
        const GeneratedMesh& next = i % 2 ? mesh : busier;
        const MeshTopologies topologies{{next.topology}, {}};
        handOver.push_back(threadTimed([&] { rebuilder.rebuild(topologies, next.telemetry, options); }));
        worker.push_back(threadTimed([] { QThreadPool::globalInstance()->waitForDone(); }));
        applyBuilt.push_back(threadTimed([] { QCoreApplication::sendPostedEvents(nullptr, QEvent::FutureCallOut); }));
        if (rebuilder.isBuilding())
            qFatal("the built graph was not delivered");
    }
    std::vector<Cost> builds;
    for (int i = 0; i < 3; ++i)
        builds.push_back(timed([&] { MeshGraphBuilder::build(busier.topology, busier.telemetry, options); }));
    const Cost refreshPaintMs = renderFrame(view, image);
    // The traffic dots at 1:1 for 3 s, as the window runs them: the tick the view settles on and the
    // process's CPU they take; what is left of the GUI thread is its time for input.
    view.setTransform(QTransform());
    view.centerOn(view.sceneRect().center());
    waitUntilSettled(view);
    view.setAnimationRunning(true);
    QEventLoop animating;
    QElapsedTimer animatingFor;
    const double animationCpuBefore = cpuMs();
    animatingFor.start();
    QTimer::singleShot(3000, &animating, &QEventLoop::quit);
    animating.exec();
    const double animationBusy = (cpuMs() - animationCpuBefore) / double(animatingFor.elapsed());
    const int animationTickMs = view.animationFrameMs();
    view.setAnimationRunning(false);

    std::printf("%5d services, %s graph: %5lld nodes %6lld edges  index %s\n", services,
                kind == GraphKind::Service ? "service" : "versioned-app", qlonglong(graph.nodes.size()),
                qlonglong(graph.edges.size()), index == QGraphicsScene::BspTreeIndex ? "BSP" : "none");
    std::printf("   (wall ms, and in brackets the process's CPU ms)\n");
    std::printf("   build graph from telemetry   %s ms\n", both(buildMs).constData());
    std::printf("   layout (LayeredLayout)       %s ms\n", both(layoutMs).constData());
    std::printf("   setGraph: layout+rows+items  %s ms\n", both(modelMs).constData());
    std::printf("   first paint at fit-to-window %s ms   (scale %.3f)\n", both(firstPaintMs).constData(), fitScale);
    std::printf("   => laid out and painted      %.1f (%.1f) ms   (build+setGraph+paint %.1f (%.1f) ms)\n",
                modelMs.wall + firstPaintMs.wall, modelMs.cpu + firstPaintMs.cpu, buildMs.wall + modelMs.wall + firstPaintMs.wall,
                buildMs.cpu + modelMs.cpu + firstPaintMs.cpu);
    std::printf("   interactive zoom-in frames   p50 %s  p95 %s  max %s ms   (last full picture, scaled)\n",
                both(frames.zoomIn, 0.5).constData(), both(frames.zoomIn, 0.95).constData(), both(frames.zoomIn, 1).constData());
    std::printf("   interactive zoom-out frames  p50 %s  p95 %s  max %s ms   (scaled, the margin drawn by the overview)\n",
                both(frames.zoomOut, 0.5).constData(), both(frames.zoomOut, 0.95).constData(), both(frames.zoomOut, 1).constData());
    std::printf("   interactive pan frames       p50 %s  p95 %s  max %s ms   (at 1:1 p95 %s, at 0.35 p95 %s)\n",
                both(frames.pan, 0.5).constData(), both(frames.pan, 0.95).constData(), both(frames.pan, 1).constData(),
                both(frames.panAtOne, 0.95).constData(), both(frames.panOverview, 0.95).constData());
    std::printf("   settle render (crisp, %d ms after the last input) p50 %s  p95 %s  max %s ms;  after a pan at 1:1 %s, at 0.35 %s ms\n",
                GraphView::SettleMs, both(frames.settle, 0.5).constData(), both(frames.settle, 0.95).constData(),
                both(frames.settle, 1).constData(), both(frames.settleAfterPan.at(0)).constData(),
                both(frames.settleAfterPan.at(1)).constData());
    std::printf("   settle render by scale:");
    for (size_t i = 0; i < frames.settle.size(); ++i)
        std::printf(" %.3f:%s", frames.settleScales.at(i), both(frames.settle.at(i)).constData());
    std::printf(" ms\n");
    std::printf("   refresh all numbers (setGraph, items updated) median %s  max %s ms   (overview scale)\n",
                both(refresh, 0.5).constData(), both(refresh, 1).constData());
    std::printf("   refresh all numbers at 1:1                    median %s  max %s ms;  paint after it %s ms\n",
                both(refreshAtOne, 0.5).constData(), both(refreshAtOne, 1).constData(), both(refreshPaintAtOneMs).constData());
    std::printf("   refresh, model alone (no view)                median %s  max %s ms\n",
                both(refreshModelOnly, 0.5).constData(), both(refreshModelOnly, 1).constData());
    std::printf("   rebuild graph from telemetry  median %s ms;  paint after refresh %s ms\n", both(builds, 0.5).constData(),
                both(refreshPaintMs).constData());
    std::printf("   GUI-thread time of a refresh: apply the built graph to the model and view  median %s  max %s ms"
                "   (hand-over %s ms; the worker's build beside it, wall: median %.1f ms)\n",
                both(applyBuilt, 0.5).constData(), both(applyBuilt, 1).constData(), both(handOver, 0.5).constData(),
                percentile(worker, 0.5));
    std::printf("   traffic dots at 1:1 for 3 s: a frame every %d ms, %.0f %% of a CPU\n", animationTickMs, 100 * animationBusy);
    std::printf("   resident memory %.1f MB\n", double(residentKiB()) / 1024);
    std::fflush(stdout);
}

// For the README: the 2,000-service graph at fit-to-window and at 1:1 in its middle, as PNGs.
int writePictures(const QString& file)
{
    const GeneratedMesh mesh = generatedMesh(2000);
    MeshGraphModel model;
    model.setBackgroundLayoutThreshold(std::numeric_limits<int>::max());
    GraphView view;
    view.resize(1600, 1000);
    view.show();
    view.setModel(&model);
    model.setGraph(MeshGraphBuilder::build(mesh.topology, mesh.telemetry));
    QImage image(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    renderFrame(view, image);
    bool saved = image.save(file, "PNG");
    view.setTransform(QTransform());
    view.centerOn(view.sceneRect().center());
    renderFrame(view, image);
    QString detail = file;
    detail.replace(QStringLiteral(".png"), QStringLiteral("-detail.png"));
    saved = image.save(detail, "PNG") && saved;
    std::printf("%s: %s and %s\n", saved ? "wrote" : "could not write", qPrintable(file), qPrintable(detail));
    return saved ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() > 2 && args.at(1) == u"--picture")
        return writePictures(args.at(2));
    QList<int> sizes{100, 500, 2000, 5000};
    if (args.size() > 1)
        sizes = {args.at(1).toInt()};
    std::printf("Mesh graph benchmark: offscreen, raster, viewport 1600x1000\n");
    for (int services : sizes)
        run(services, QGraphicsScene::NoIndex);
    if (sizes.contains(2000)) {
        run(2000, QGraphicsScene::NoIndex, GraphKind::Service); // the reference: ~2,000 nodes, ~6,000 edges
        run(2000, QGraphicsScene::BspTreeIndex); // what GraphView does not use, for comparison
    }
    return 0;
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "EdgeTelemetry.h"
#include "MeshGraphBuilder.h"
#include "MeshGraphModel.h"

#include "models/mesh/MeshTopologies.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>

#include <optional>

// Builds the mesh graph from the latest topology, telemetry and options and hands it to the model,
// off the GUI thread when the mesh is large: at 2,000 services a build takes 50-100 ms, every
// refresh, and the window would stutter on each. The GUI thread keeps only setGraph().
//
// The latest request wins. A request made while a build runs waits as the one next build (a newer
// request replaces it, they never queue up); a build whose options were changed meanwhile (another
// graph kind, idle nodes shown or not) is stale when it returns and is dropped, since its nodes
// would be laid out as the new kind's. A build of older numbers with the same options is still
// given to the model: it is newer than what shows, and the next build follows at once.
//
// Meshes below the threshold are built at once, on the GUI thread (bookinfo takes well under a
// millisecond): the graph is there when rebuild() returns, as the page's selection and the tests
// expect, and nothing waits for a thread. The threshold counts nodes, like the model's background
// layout threshold, and has its value by default.
//
// The worker gets its own copies of the inputs (implicitly shared: copying is a reference count,
// and the routing objects' JSON is shared read-only), so the page and this object may go away
// while it runs: a build that finishes after this object was destroyed is discarded with its
// watcher, and one that finishes after the model was destroyed is not applied.
class GraphRebuilder : public QObject {
    Q_OBJECT
public:
    explicit GraphRebuilder(MeshGraphModel* model, QObject* parent = nullptr);

    void rebuild(const MeshTopologies& topologies, const EdgeTelemetry& telemetry, const GraphOptions& options);
    // Meshes of at least this many services and workloads are built on a worker thread.
    void setBackgroundThreshold(int nodeCount) { m_backgroundThreshold = nodeCount; }
    // A build runs on the worker, or its result has not been handed over yet.
    bool isBuilding() const { return m_running; }

Q_SIGNALS:
    // The model holds a newly built graph (it may still be laying it out, see MeshGraphModel).
    void graphApplied();

private:
    struct Request {
        MeshTopologies topologies;
        EdgeTelemetry telemetry;
        GraphOptions options;
    };
    // Builds the request at once when the mesh is small, else on the worker.
    void start(Request request);
    void onBuilt();
    void apply(MeshGraph graph);

    QPointer<MeshGraphModel> m_model;
    QFutureWatcher<MeshGraph> m_watcher;
    std::optional<Request> m_next;
    bool m_running = false;
    GraphOptions m_options; // of the latest request
    quint64 m_generation = 0; // counts option changes: a build of older options is stale
    quint64 m_runningGeneration = 0;
    int m_backgroundThreshold = MeshGraphModel::DefaultBackgroundLayoutThreshold;
};

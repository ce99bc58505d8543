// SPDX-License-Identifier: Apache-2.0
#include "GraphRebuilder.h"

#include <QtConcurrent/QtConcurrentRun>

GraphRebuilder::GraphRebuilder(MeshGraphModel* model, QObject* parent)
    : QObject(parent)
    , m_model(model)
{
    // A watcher rather than QFuture::then(this, ...): Qt 6.4's continuation asserts that its context
    // is still alive when the worker finishes, and the page may be closed during a build.
    connect(&m_watcher, &QFutureWatcher<MeshGraph>::finished, this, &GraphRebuilder::onBuilt);
}

void GraphRebuilder::rebuild(const MeshTopologies& topologies, const EdgeTelemetry& telemetry, const GraphOptions& options)
{
    if (!(options == m_options)) {
        m_options = options;
        ++m_generation;
    }
    Request request{topologies, telemetry, options};
    if (m_running)
        m_next = std::move(request);
    else
        start(std::move(request));
}

void GraphRebuilder::start(Request request)
{
    qsizetype nodes = 0;
    for (const MeshTopology& topology : std::as_const(request.topologies.namespaces))
        nodes += topology.services.size() + topology.workloads.size();
    if (nodes < m_backgroundThreshold) {
        apply(MeshGraphBuilder::build(request.topologies, request.telemetry, request.options));
        return;
    }
    m_running = true;
    m_runningGeneration = m_generation;
    m_watcher.setFuture(QtConcurrent::run([request = std::move(request)] {
        return MeshGraphBuilder::build(request.topologies, request.telemetry, request.options);
    }));
}

void GraphRebuilder::onBuilt()
{
    m_running = false;
    // Taken, not copied: the model writes positions into the rows, and a copy still shared with the
    // future would be copied whole on the GUI thread.
    MeshGraph graph = m_watcher.future().takeResult();
    if (m_runningGeneration == m_generation)
        apply(std::move(graph));
    if (m_next) {
        Request next = std::move(*m_next);
        m_next.reset();
        start(std::move(next));
    }
}

void GraphRebuilder::apply(MeshGraph graph)
{
    if (!m_model)
        return;
    m_model->setGraph(std::move(graph));
    Q_EMIT graphApplied();
}

// SPDX-License-Identifier: Apache-2.0
#include "GraphExportCommand.h"

#include "views/graph/GraphExporter.h"
#include "views/graph/GraphView.h"

#include "models/graph/EdgeTelemetryLoader.h"
#include "models/graph/GraphDocument.h"
#include "models/graph/MeshGraphModel.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

namespace {
constexpr int RefreshMs = 1000;
constexpr int GiveUpMs = 90000;
} // namespace

GraphExportCommand::GraphExportCommand(ClusterSession* session, QString file, GraphOptions options,
                                       const QStringList& namespaces, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_file(std::move(file))
    , m_options(options)
    , m_topologyLoader(new MeshTopologyLoader(session, this))
    , m_telemetryLoader(new EdgeTelemetryLoader(session, this))
{
    m_topologyLoader->setNamespaces(namespaces);
    m_telemetryLoader->setNamespaces(namespaces);
    connect(m_topologyLoader, &MeshTopologyLoader::topologyAvailable, this, &GraphExportCommand::onTopology);
    connect(m_telemetryLoader, &EdgeTelemetryLoader::telemetryAvailable, this, &GraphExportCommand::onTelemetry);
    auto remember = [this](const QString& message) { m_lastError = message; };
    connect(m_topologyLoader, &MeshTopologyLoader::loadFailed, this, remember);
    connect(m_telemetryLoader, &EdgeTelemetryLoader::loadFailed, this, remember);
    connect(&m_giveUp, &QTimer::timeout, this, [this] {
        const QString names = m_topologyLoader->namespaces().join(QStringLiteral(", "));
        QString reason = !m_haveTopology ? tr("the cluster never listed namespace %1").arg(names)
                                         : tr("Prometheus reported no traffic in namespace %1").arg(names);
        if (!m_lastError.isEmpty())
            reason += tr(" (last error: %1)").arg(m_lastError);
        finish(3, tr("no graph after %1 s: %2").arg(GiveUpMs / 1000).arg(reason));
    });
    m_giveUp.setSingleShot(true);
    m_giveUp.start(GiveUpMs);
    m_topologyLoader->setInterval(RefreshMs * 2);
    m_telemetryLoader->setInterval(RefreshMs);
    m_topologyLoader->refresh();
    m_telemetryLoader->refresh();
}

bool GraphExportCommand::supports(const QString& file)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    return suffix == u"json" || suffix == u"dot" || suffix == u"png" || suffix == u"svg";
}

void GraphExportCommand::onTopology(const MeshTopologies& topologies)
{
    m_topologies = topologies;
    m_haveTopology = true;
    tryWrite();
}

void GraphExportCommand::onTelemetry(const EdgeTelemetry& telemetry)
{
    m_telemetry = telemetry;
    m_haveTraffic = std::any_of(telemetry.samples.cbegin(), telemetry.samples.cend(),
                                [](const EdgeSample& s) { return s.requestsPerSecond > 0; });
    tryWrite();
}

void GraphExportCommand::tryWrite()
{
    if (m_done || !m_haveTopology || !m_haveTraffic)
        return;
    // Said, not failed: the graph is what the user may see.
    for (const HiddenPart& part : std::as_const(m_topologies.hidden))
        std::fprintf(stderr, "meshdeck: hidden: %s\n", qPrintable(part.describe()));
    const QString error = write(MeshGraphBuilder::build(m_topologies, m_telemetry, m_options));
    finish(error.isEmpty() ? 0 : 1, error.isEmpty() ? tr("wrote %1").arg(m_file) : error);
}

QString GraphExportCommand::write(const MeshGraph& graph) const
{
    const QString suffix = QFileInfo(m_file).suffix().toLower();
    if (suffix == u"png" || suffix == u"svg") {
        MeshGraphModel model;
        model.setBackgroundLayoutThreshold(std::numeric_limits<int>::max()); // we wait anyway
        GraphView view;
        view.setAttribute(Qt::WA_DontShowOnScreen);
        view.resize(1600, 1000);
        view.setModel(&model);
        view.show();
        model.setGraph(graph);
        view.fitToWindow();
        return GraphExporter::write(&view, m_file);
    }
    QSaveFile out(m_file);
    if (!out.open(QIODevice::WriteOnly))
        return tr("cannot write %1: %2").arg(m_file, out.errorString());
    out.write(suffix == u"dot" ? GraphDocument::toDot(graph)
                               : GraphDocument::toJson(graph, m_topologyLoader->namespaces(), m_options.kind, m_topologies.hidden));
    return out.commit() ? QString() : tr("cannot write %1: %2").arg(m_file, out.errorString());
}

void GraphExportCommand::finish(int code, const QString& message)
{
    m_done = true;
    m_giveUp.stop();
    std::fprintf(code == 0 ? stdout : stderr, "meshdeck: %s\n", qPrintable(message));
    QCoreApplication::exit(code);
}

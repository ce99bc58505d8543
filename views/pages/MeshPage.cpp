// SPDX-License-Identifier: Apache-2.0
#include "MeshPage.h"

#include "views/graph/GraphView.h"
#include "views/telemetry/RateChart.h"
#include "views/traffic/TrafficPanel.h"

#include "models/graph/EdgeTelemetryLoader.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/VersionRateLoader.h"
#include "models/telemetry/VersionSeriesModel.h"
#include "models/traffic/TrafficSplitModel.h"
#include "models/traffic/TrafficSplitWriter.h"

#include <QHBoxLayout>
#include <QSplitter>

namespace {
constexpr int TopologyRefreshMs = 2000;
constexpr int TelemetryRefreshMs = 1000;
} // namespace

MeshPage::MeshPage(ClusterSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_topologyLoader(new MeshTopologyLoader(session, this))
    , m_edgeLoader(new EdgeTelemetryLoader(session, this))
    , m_rateLoader(new VersionRateLoader(session, this))
    , m_graph(new MeshGraphModel(this))
    , m_split(new TrafficSplitModel(this))
    , m_writer(new TrafficSplitWriter(session, this))
    , m_series(new VersionSeriesModel(this))
    , m_graphView(new GraphView(this))
    , m_trafficPanel(new TrafficPanel(m_split, m_writer, this))
    , m_rateChart(new RateChart(m_series, this))
{
    m_graphView->setModel(m_graph);
    m_series->setWindowSeconds(m_rateLoader->windowSeconds());

    auto* side = new QSplitter(Qt::Vertical, this);
    side->addWidget(m_trafficPanel);
    side->addWidget(m_rateChart);
    side->setStretchFactor(1, 1);
    auto* main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(m_graphView);
    main->addWidget(side);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 2);
    // The graph is the page's subject: it gets most of the width from the start.
    main->setSizes({1050, 450});
    side->setSizes({220, 600});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(main);

    connect(m_topologyLoader, &MeshTopologyLoader::topologyAvailable, this, &MeshPage::onTopology);
    connect(m_topologyLoader, &MeshTopologyLoader::loadFailed, this,
            [this](const QString& message) { Q_EMIT statusMessage(tr("Cluster: %1").arg(message)); });
    connect(m_edgeLoader, &EdgeTelemetryLoader::telemetryAvailable, this, &MeshPage::onEdgeTelemetry);
    connect(m_edgeLoader, &EdgeTelemetryLoader::loadFailed, this,
            [this](const QString& message) { Q_EMIT statusMessage(tr("Prometheus: %1").arg(message)); });
    connect(m_rateLoader, &VersionRateLoader::pointsAvailable, m_series, &VersionSeriesModel::addPoints);
    connect(m_rateLoader, &VersionRateLoader::pointsAvailable, this, [this] {
        m_rateChart->setMessage({});
        Q_EMIT liveDataChanged();
    });
    connect(m_rateLoader, &VersionRateLoader::loadFailed, this,
            [this](const QString& message) { m_rateChart->setMessage(tr("Prometheus: %1").arg(message)); });
    connect(m_graphView, &GraphView::serviceSelected, this, &MeshPage::selectService);
    // A write is followed by a read, so the panel shows the cluster's answer without waiting.
    connect(m_writer, &TrafficSplitWriter::applied, m_topologyLoader, &MeshTopologyLoader::refresh);

    m_topologyLoader->setInterval(TopologyRefreshMs);
    m_edgeLoader->setInterval(TelemetryRefreshMs);
    m_rateLoader->setInterval(TelemetryRefreshMs);
    m_topologyLoader->refresh();
    m_edgeLoader->refresh();
}

void MeshPage::selectService(const QString& service)
{
    if (service.isEmpty() || service == m_selected)
        return;
    m_selected = service;
    m_graphView->selectService(service);
    m_split->setService(service);
    m_rateLoader->setService(m_topology.namespaceName.isEmpty() ? m_session->namespaceName() : m_topology.namespaceName,
                             service);
}

bool MeshPage::showsLiveData() const
{
    bool chartHasPoints = false;
    for (int row = 0; row < m_series->rowCount(); ++row)
        chartHasPoints = chartHasPoints || m_series->points(row).size() > 1;
    return m_graph->hasTraffic() && chartHasPoints;
}

void MeshPage::onTopology(const MeshTopology& topology)
{
    m_topology = topology;
    m_haveTopology = true;
    m_split->setTopology(topology);
    m_graph->setGraph(MeshGraphBuilder::build(m_topology, m_telemetry));
    m_graphView->selectService(m_selected);
    if (m_selected.isEmpty()) {
        // Open on the most interesting service: the first one whose versions can be split.
        for (const MeshService& service : topology.services) {
            const MeshDestinationRule* rule = topology.destinationRuleFor(service.name);
            if (rule && rule->subsets.size() > 1 && topology.workloadsOf(service.name).size() > 1) {
                selectService(service.name);
                break;
            }
        }
    }
}

void MeshPage::onEdgeTelemetry(const EdgeTelemetry& telemetry)
{
    m_telemetry = telemetry;
    if (m_haveTopology) {
        m_graph->setGraph(MeshGraphBuilder::build(m_topology, m_telemetry));
        Q_EMIT liveDataChanged();
    }
}

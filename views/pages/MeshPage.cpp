// SPDX-License-Identifier: Apache-2.0
#include "MeshPage.h"

#include "views/faults/FaultPanel.h"
#include "views/graph/GraphDetailsPane.h"
#include "views/graph/GraphPanel.h"
#include "views/graph/GraphView.h"
#include "views/graph/NodeItem.h"
#include "views/telemetry/TelemetryPanel.h"
#include "views/traffic/MatchRoutesEditor.h"
#include "views/traffic/TrafficPanel.h"

#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentWatcher.h"
#include "models/faults/ExperimentRunner.h"
#include "models/faults/FaultInjection.h"
#include "models/graph/EdgeTelemetryLoader.h"
#include "models/graph/GraphRebuilder.h"
#include "models/graph/MeshGraph.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/graph/MeshGraphModel.h"
#include "models/mesh/MeshTopologyLoader.h"
#include "models/mesh/NamespaceListLoader.h"
#include "models/session/AccessRestrictions.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/RoutingEventTracker.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"
#include "models/traffic/TrafficSplitModel.h"
#include "models/traffic/TrafficSplitWriter.h"
#include "models/traffic/VariantNumbers.h"

#include <QHBoxLayout>
#include <QPointer>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSet>
#include <QSplitter>
#include <QTabWidget>

#include <algorithm>

namespace {
constexpr int TopologyRefreshMs = 2000;
constexpr int TelemetryRefreshMs = 1000;
} // namespace

MeshPage::MeshPage(ClusterSession* session, AuditLog* audit, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_topologyLoader(new MeshTopologyLoader(session, this))
    , m_namespaceLister(new NamespaceListLoader(session, this))
    , m_edgeLoader(new EdgeTelemetryLoader(session, this))
    , m_telemetryLoader(new TelemetryLoader(session, this))
    , m_graph(new MeshGraphModel(this))
    , m_rebuilder(new GraphRebuilder(m_graph, this))
    , m_split(new TrafficSplitModel(this))
    , m_writer(new TrafficSplitWriter(session, audit, this))
    , m_series(new TelemetrySeriesModel(this))
    , m_graphPanel(new GraphPanel(m_graph, this))
    , m_trafficPanel(new TrafficPanel(m_split, m_writer, this))
    , m_telemetryPanel(new TelemetryPanel(m_series, m_telemetryLoader, audit, this))
    , m_routingEvents(new RoutingEventTracker(this))
    , m_details(new GraphDetailsPane(m_graph, this))
    , m_experiments(new ExperimentRegistry(this))
    , m_experimentWatcher(new ExperimentWatcher(session, m_experiments, this))
    , m_runner(new ExperimentRunner(session, audit, m_experiments, this))
    , m_faultPanel(new FaultPanel(m_experiments, m_runner, this))
    , m_faultTab(new QScrollArea(this))
    , m_side(new QTabWidget(this))
    , m_selectedNamespace(session->namespaceName())
{
    m_telemetryPanel->setRoutingEvents(m_routingEvents);
    m_telemetryPanel->setExperiments(m_experiments);
    m_series->setWindowSeconds(m_telemetryLoader->window().rangeSeconds);

    // The graph and the selected service's split (or the selection's details) side by side, its
    // telemetry across the bottom.
    m_side->setDocumentMode(true);
    m_side->addTab(m_trafficPanel, tr("Traffic"));
    m_faultTab->setWidget(m_faultPanel);
    m_faultTab->setWidgetResizable(true);
    m_faultTab->setFrameShape(QFrame::NoFrame);
    m_side->addTab(m_faultTab, tr("Faults"));
    connect(m_experiments, &ExperimentRegistry::experimentsChanged, this, [this] { showFaultTab(false); });
    connect(m_experiments, &ExperimentRegistry::synced, this, [this] { showFaultTab(true); });
    m_side->addTab(m_details, tr("Details"));
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_graphPanel);
    top->addWidget(m_side);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    top->setSizes({1100, 400});
    auto* main = new QSplitter(Qt::Vertical, this);
    main->addWidget(top);
    main->addWidget(m_telemetryPanel);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 2);
    main->setSizes({540, 360});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(main);

    connect(m_topologyLoader, &MeshTopologyLoader::topologyAvailable, this, &MeshPage::onTopology);
    connect(m_topologyLoader, &MeshTopologyLoader::loadFailed, this,
            [this](const QString& message) { Q_EMIT statusMessage(tr("Cluster: %1").arg(message)); });
    connect(m_edgeLoader, &EdgeTelemetryLoader::telemetryAvailable, this, &MeshPage::onEdgeTelemetry);
    connect(m_edgeLoader, &EdgeTelemetryLoader::loadFailed, this,
            [this](const QString& message) {
                // Not for a user who may not reach Prometheus at all: checkTelemetryAccess says that.
                const QPointer<MeshPage> self(this);
                checkTelemetryAccess([self, message](bool allowed) {
                    if (self && allowed)
                        Q_EMIT self->statusMessage(tr("Prometheus: %1").arg(message));
                });
            });
    connect(m_telemetryLoader, &TelemetryLoader::batchAvailable, m_series, &TelemetrySeriesModel::addBatch);
    connect(m_telemetryLoader, &TelemetryLoader::batchAvailable, this, &MeshPage::liveDataChanged);
    connect(m_topologyLoader, &MeshTopologyLoader::topologyAvailable, m_routingEvents,
            [this](const MeshTopologies& topologies) { m_routingEvents->observe(topologies); });
    connect(graphView(), &GraphView::selectionClearedByClick, this, [this] { m_selectionClearedByClick = true; });
    connect(graphView(), &GraphView::nodeSelected, this, [this](const QString& id) {
        m_selectionClearedByClick = false;
        const int row = m_graph->nodes()->rowOf(id);
        if (row >= 0)
            selectService(m_graph->nodes()->row(row).namespaceName, m_graph->nodes()->row(row).service);
    });
    m_graphPanel->setNamespaces({session->namespaceName()});
    connect(m_graphPanel, &GraphPanel::namespacesChanged, this, [this](const QStringList& namespaces) {
        m_topologyLoader->setNamespaces(namespaces);
        m_edgeLoader->setNamespaces(namespaces);
    });
    connect(m_namespaceLister, &NamespaceListLoader::namespacesAvailable, m_graphPanel, &GraphPanel::setAvailableNamespaces);
    connect(graphView(), &GraphView::edgeSelected, this, &MeshPage::selectEdge);
    connect(graphView(), &GraphView::nodeSelected, m_details, &GraphDetailsPane::showNode);
    connect(graphView(), &GraphView::edgeSelected, this, [this](const QString& id) {
        m_details->showEdge(id);
        m_side->setCurrentWidget(m_details); // an edge has no split to move: show what it carries
    });
    connect(m_graphPanel, &GraphPanel::optionsChanged, this, &MeshPage::rebuildGraph);
    connect(m_rebuilder, &GraphRebuilder::graphApplied, this, &MeshPage::onGraphApplied);
    graphView()->viewport()->installEventFilter(this);
    connect(m_graphPanel, &GraphPanel::statusMessage, this, &MeshPage::statusMessage);
    // A write is followed by a read, so the panel shows the cluster's answer without waiting.
    connect(m_writer, &TrafficSplitWriter::applied, m_topologyLoader, &MeshTopologyLoader::refresh);
    connect(m_runner, &ExperimentRunner::started, m_topologyLoader, &MeshTopologyLoader::refresh);
    connect(m_runner, &ExperimentRunner::reverted, m_topologyLoader, &MeshTopologyLoader::refresh);
    connect(m_runner, &ExperimentRunner::reverted, this, [this](const Experiment& e, const QString& reason) {
        Q_EMIT statusMessage(tr("Fault on %1 reverted (%2): %3").arg(e.service, reason, e.fault.describe()));
    });

    m_topologyLoader->setInterval(TopologyRefreshMs);
    m_edgeLoader->setInterval(TelemetryRefreshMs);
    m_telemetryLoader->setInterval(TelemetryRefreshMs);
    checkTelemetryAccess([this](bool allowed) {
        if (allowed)
            return;
        m_telemetryLoader->setPaused(true);
        m_edgeLoader->setInterval(0);
        // Without traffic numbers every node is idle: show them, or the graph would stay empty.
        m_graphPanel->setShowIdle(true);
        m_telemetryPanel->setUnavailable(
            tr("%1 may not reach Prometheus through the API server (get services/proxy in namespace %2): "
               "Cluster → Set Prometheus URL… names one it can reach, such as a port-forward")
                .arg(m_session->identity(), QString::fromLatin1(AccessRestrictions::PrometheusNamespace)));
    });
    m_topologyLoader->refresh();
    m_edgeLoader->refresh();
    m_namespaceLister->refresh();
}

void MeshPage::selectService(const QString& service)
{
    const MeshTopology* current = m_topologies.find(m_selectedNamespace);
    const bool here = current && current->service(service);
    const QString elsewhere = m_topologies.namespaceOfService(service);
    selectService(here || elsewhere.isEmpty() ? m_selectedNamespace : elsewhere, service);
}

void MeshPage::selectService(const QString& namespaceName, const QString& service)
{
    // The same service again after an edge: back to all of its traffic.
    if (service.isEmpty()
        || (service == m_selected && namespaceName == m_selectedNamespace && !m_telemetryLoader->scope().isEdge()))
        return;
    focusService(namespaceName, service);
    m_selectAfterBuild = !showSelectedNode();
    m_telemetryLoader->setService(namespaceName, service);
}

bool MeshPage::showSelectedNode()
{
    NodeItem* node = graphView()->nodeItem(MeshGraphBuilder::serviceId(m_selectedNamespace, m_selected));
    if (!node)
        return false;
    if (!node->isSelected()) {
        graphView()->scene()->clearSelection();
        node->setSelected(true);
    }
    return true;
}

void MeshPage::focusService(const QString& namespaceName, const QString& service)
{
    if (service == m_selected && namespaceName == m_selectedNamespace)
        return;
    m_selected = service;
    if (namespaceName != m_selectedNamespace) {
        m_selectedNamespace = namespaceName;
        const MeshTopology* topology = m_topologies.find(namespaceName);
        m_topology = topology ? *topology : MeshTopology{namespaceName, {}, {}, {}, {}, {}};
        m_split->setTopology(m_topology);
    }
    m_split->setService(service);
    m_faultPanel->setService(namespaceName, service);
    showFaultChoices();
    showFaultTab(true);
    checkWriteAccess();
    showVariants();
}

void MeshPage::showFaultTab(bool reveal)
{
    const QString& ns = m_selectedNamespace;
    const qsizetype running = m_selected.isEmpty() ? 0 : m_experiments->forService(ns, m_selected).size();
    const int tab = m_side->indexOf(m_faultTab);
    m_side->setTabText(tab, running > 0 ? tr("Faults (%1)").arg(running) : tr("Faults"));
    if (reveal && running > 0)
        m_side->setCurrentIndex(tab);
}

void MeshPage::showFaultChoices()
{
    // The names of the service's http routes, for a fault on one of them.
    const MeshVirtualService* vs = m_topology.virtualServiceFor(m_selected);
    const QStringList routes = vs && vs->raw ? FaultInjection::routeNames(*vs->raw) : QStringList{};
    m_faultPanel->setRoutes(routes);

    // Guards watch the entry service by default: the one whose callers are all outside the mesh's
    // workloads (the load generator, an ingress gateway).
    QSet<QString> workloads;
    for (const MeshWorkload& w : m_topology.workloads)
        workloads.insert(w.name);
    QStringList services;
    for (const MeshService& s : m_topology.services)
        services.append(s.name);
    QString entry;
    QSet<QString> calledFromInside;
    for (const EdgeSample& sample : m_telemetry.samples) {
        if (sample.destinationNamespace == m_selectedNamespace && sample.sourceNamespace == m_selectedNamespace
            && workloads.contains(sample.sourceWorkload))
            calledFromInside.insert(sample.destinationService);
    }
    for (const EdgeSample& sample : m_telemetry.samples) {
        if (entry.isEmpty() && sample.destinationNamespace == m_selectedNamespace && services.contains(sample.destinationService)
            && !calledFromInside.contains(sample.destinationService))
            entry = sample.destinationService;
    }
    m_faultPanel->setGuardServices(services, entry);
}

void MeshPage::showVariants()
{
    m_trafficPanel->matchRoutesEditor()->setVariantNumbers(VariantNumbers::of(m_telemetry, m_selectedNamespace, m_selected));
}

void MeshPage::selectEdge(const QString& edgeId)
{
    const MeshGraph graph = m_graph->graph();
    const auto edge = std::find_if(graph.edges.cbegin(), graph.edges.cend(), [&](const GraphEdge& e) { return e.id == edgeId; });
    if (edge == graph.edges.cend())
        return;
    const auto node = [&](const QString& id) {
        return std::find_if(graph.nodes.cbegin(), graph.nodes.cend(), [&](const GraphNode& n) { return n.id == id; });
    };
    const auto source = node(edge->source);
    const auto target = node(edge->target);
    if (source == graph.nodes.cend() || target == graph.nodes.cend())
        return;
    const QString& ns = target->namespaceName;
    const TelemetryScope scope = TelemetryScope::ofEdge(*source, *target, ns);
    if (scope.service.isEmpty()) {
        Q_EMIT statusMessage(tr("%1 is outside the mesh: no proxy reports its traffic").arg(target->name));
        return;
    }
    focusService(ns, scope.service);
    m_telemetryLoader->setScope(scope);
}

bool MeshPage::showsLiveData() const
{
    bool chartHasPoints = false;
    for (int row = 0; row < m_series->rowCount(); ++row)
        chartHasPoints = chartHasPoints || m_series->series(row).points.size() > 1;
    return m_graph->hasTraffic() && chartHasPoints;
}

void MeshPage::onTopology(const MeshTopologies& topologies)
{
    m_topologies = topologies;
    m_haveTopology = true;
    m_graphPanel->setHiddenParts(topologies.hidden);
    const MeshTopology* selected = topologies.find(m_selectedNamespace);
    m_topology = selected ? *selected : MeshTopology{m_selectedNamespace, {}, {}, {}, {}, {}};
    m_split->setTopology(m_topology);
    m_details->setTopologies(topologies);
    showFaultChoices();
    m_selectAfterBuild = true;
    rebuildGraph();
    if (m_selected.isEmpty()) {
        // Open on the most interesting service: the first one whose versions can be split.
        for (const MeshTopology& topology : topologies.namespaces) {
            for (const MeshService& service : topology.services) {
                const MeshDestinationRule* rule = topology.destinationRuleFor(service.name);
                if (m_selected.isEmpty() && rule && rule->subsets.size() > 1 && topology.workloadsOf(service.name).size() > 1)
                    selectService(topology.namespaceName, service.name);
            }
        }
    }
}

void MeshPage::onEdgeTelemetry(const EdgeTelemetry& telemetry)
{
    m_telemetry = telemetry;
    showVariants();
    rebuildGraph();
}

void MeshPage::checkTelemetryAccess(std::function<void(bool allowed)> apply)
{
    // Prometheus at a URL of its own is not behind the API server: nothing to ask it.
    if (!m_session->prometheusUrl().isEmpty()) {
        apply(true);
        return;
    }
    const QPointer<MeshPage> self(this);
    m_session->checkAccess(QStringLiteral("get"), QString(), QStringLiteral("services/proxy"),
                           QString::fromLatin1(AccessRestrictions::PrometheusNamespace),
                           [self, apply = std::move(apply)](bool known, bool allowed, const QString&) {
                               // A review that failed says nothing: the queries' own errors then speak.
                               if (self)
                                   apply(!known || allowed);
                           });
}

void MeshPage::checkWriteAccess()
{
    const QString ns = m_selectedNamespace;
    const bool httpRoute = m_split->routeKind() == TrafficSplitModel::RouteKind::HTTPRoute;
    const QPointer<MeshPage> self(this);
    // Faults are always written to a VirtualService; the split to the service's own route kind.
    checkPatchAccess(QStringLiteral("networking.istio.io"), QStringLiteral("virtualservices"), ns,
                     [self, ns, httpRoute](bool allowed, const QString& reason) {
                         if (!self)
                             return;
                         const QString why = reason.isEmpty() ? tr("you may not patch VirtualServices in namespace %1").arg(ns) : reason;
                         self->m_faultPanel->setWriteAccess(allowed, allowed ? QString() : why);
                         if (!httpRoute)
                             self->m_trafficPanel->setWriteAccess(allowed, allowed ? QString() : why);
                     });
    if (httpRoute) {
        checkPatchAccess(QStringLiteral("gateway.networking.k8s.io"), QStringLiteral("httproutes"), ns,
                         [self, ns](bool allowed, const QString& reason) {
                             if (self)
                                 self->m_trafficPanel->setWriteAccess(
                                     allowed, allowed ? QString()
                                              : reason.isEmpty() ? tr("you may not patch HTTPRoutes in namespace %1").arg(ns) : reason);
                         });
    }
}

void MeshPage::checkPatchAccess(const QString& group, const QString& resource, const QString& ns,
                                std::function<void(bool allowed, const QString& reason)> apply)
{
    m_session->checkAccess(QStringLiteral("patch"), group, resource, ns,
                           [apply = std::move(apply)](bool known, bool allowed, const QString& reason) {
                               // A review that failed says nothing: leave the controls on and let the
                               // server's answer to the write speak (shown verbatim).
                               apply(!known || allowed, reason);
                           });
}

bool MeshPage::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize && watched == graphView()->viewport()) {
        const QSize size = static_cast<QResizeEvent*>(event)->size();
        if (size.height() > 0)
            m_graph->setLayoutAspectRatio(double(size.width()) / size.height());
    }
    return QWidget::eventFilter(watched, event);
}

GraphView* MeshPage::graphView() const
{
    return m_graphPanel->view();
}

void MeshPage::rebuildGraph()
{
    if (m_haveTopology)
        m_rebuilder->rebuild(m_topologies, m_telemetry, m_graphPanel->options());
}

void MeshPage::onGraphApplied()
{
    // A selected edge stays selected; selecting its service's node would replace it. Until the
    // node is there (idle nodes are hidden until numbers arrive), later graphs try again.
    if (m_selectAfterBuild && !m_telemetryLoader->scope().isEdge() && !m_selectionClearedByClick)
        m_selectAfterBuild = !showSelectedNode();
    Q_EMIT liveDataChanged();
}

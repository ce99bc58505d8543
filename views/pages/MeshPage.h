// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/EdgeTelemetry.h"
#include "models/mesh/MeshTopologies.h"

#include <QWidget>

#include <functional>

class AuditLog;
class ClusterSession;
class EdgeTelemetryLoader;
class ExperimentRegistry;
class ExperimentWatcher;
class ExperimentRunner;
class FaultPanel;
class GraphDetailsPane;
class GraphPanel;
class GraphRebuilder;
class GraphView;
class MeshGraphModel;
class MeshTopologyLoader;
class NamespaceListLoader;
class QScrollArea;
class QTabWidget;
class RoutingEventTracker;
class TrafficPanel;
class TrafficSplitModel;
class TrafficSplitWriter;
class TelemetryLoader;
class TelemetryPanel;
class TelemetrySeriesModel;

// The home page: the live mesh graph, and for the selected service its traffic split, its fault
// experiments and its telemetry by version (or, when an edge is clicked, the telemetry of that
// edge's traffic). Wires the loaders of one cluster session to the models the widgets show, and
// owns the session's fault experiments: its runner reverts expired ones as soon as it exists.
class MeshPage : public QWidget {
    Q_OBJECT
public:
    MeshPage(ClusterSession* session, AuditLog* audit, QWidget* parent = nullptr);

    // Selects the service of that name in the namespace shown that has one (the selected
    // service's namespace first).
    void selectService(const QString& service);
    void selectService(const QString& namespaceName, const QString& service);
    // Charts the traffic along one edge of the graph (by its id); its target's service becomes the
    // selected service. Selecting a service again charts all of its traffic.
    void selectEdge(const QString& edgeId);
    QString selectedService() const { return m_selected; }
    QString selectedNamespace() const { return m_selectedNamespace; }
    // The graph has traffic edges and the chart has points: what a screenshot should wait for.
    bool showsLiveData() const;

    GraphView* graphView() const;
    GraphPanel* graphPanel() const { return m_graphPanel; }
    // The tabs beside the graph (traffic, details, faults): what presentation mode sets aside.
    QTabWidget* sidePanel() const { return m_side; }
    TrafficPanel* trafficPanel() const { return m_trafficPanel; }
    TelemetryPanel* telemetryPanel() const { return m_telemetryPanel; }
    TelemetryLoader* telemetryLoader() const { return m_telemetryLoader; }
    GraphDetailsPane* detailsPane() const { return m_details; }
    FaultPanel* faultPanel() const { return m_faultPanel; }
    ExperimentRegistry* experimentRegistry() const { return m_experiments; }
    ExperimentWatcher* experimentWatcher() const { return m_experimentWatcher; }
    ExperimentRunner* experimentRunner() const { return m_runner; }

Q_SIGNALS:
    void statusMessage(const QString& message);
    void liveDataChanged();

protected:
    // The graph view's shape is what a large graph's layout fills.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onTopology(const MeshTopologies& topologies);
    void onEdgeTelemetry(const EdgeTelemetry& telemetry);
    void focusService(const QString& namespaceName, const QString& service);
    // The graph's selection follows the selected service (its node, in its namespace); false when
    // the graph has no node for it.
    bool showSelectedNode();
    void checkWriteAccess();
    // Prometheus is behind the API server's service proxy: a user who may not use it would see every
    // query fail. Asked once (the session remembers the answer), so that is said once, quietly, and
    // the loaders stop asking; the status bar's limited-access badge lists it with the rest.
    void checkTelemetryAccess(std::function<void(bool allowed)> apply);
    // Asks the cluster whether the operator may patch `resource` in `ns`; `apply` gets the verdict
    // and the reason to show when not (an access review that failed counts as allowed: the
    // server's answer to the write then speaks).
    void checkPatchAccess(const QString& group, const QString& resource, const QString& ns,
                          std::function<void(bool allowed, const QString& reason)> apply);
    // The selected service's routes and the guardable services, for the fault panel.
    void showFaultChoices();
    // The Faults tab counts the selected service's running experiments; `reveal` brings it to the
    // front when there are any (on selecting a service, as an edge brings its details forward).
    void showFaultTab(bool reveal);
    // The A/B comparison: the selected service's versions side by side, from the edge telemetry.
    void showVariants();
    void rebuildGraph();
    void onGraphApplied();

    ClusterSession* m_session;
    MeshTopologyLoader* m_topologyLoader;
    NamespaceListLoader* m_namespaceLister;
    EdgeTelemetryLoader* m_edgeLoader;
    TelemetryLoader* m_telemetryLoader;
    MeshGraphModel* m_graph;
    GraphRebuilder* m_rebuilder;
    TrafficSplitModel* m_split;
    TrafficSplitWriter* m_writer;
    TelemetrySeriesModel* m_series;
    GraphPanel* m_graphPanel;
    TrafficPanel* m_trafficPanel;
    TelemetryPanel* m_telemetryPanel;
    RoutingEventTracker* m_routingEvents;
    GraphDetailsPane* m_details;
    ExperimentRegistry* m_experiments;
    ExperimentWatcher* m_experimentWatcher;
    ExperimentRunner* m_runner;
    FaultPanel* m_faultPanel;
    QScrollArea* m_faultTab;
    QTabWidget* m_side;
    MeshTopologies m_topologies;
    MeshTopology m_topology; // the selected service's namespace
    EdgeTelemetry m_telemetry;
    bool m_haveTopology = false;
    QString m_selected;
    QString m_selectedNamespace;
    // The operator clicked the selection away: refreshes leave the graph without one until the next
    // selection (the panels keep following the last service meanwhile).
    bool m_selectionClearedByClick = false;
    // A topology arrived, or a service was selected that has no node yet: once a graph with the
    // selected service's node is in the model, that node is selected (the build may finish on a
    // worker after onTopology() returned; idle nodes show only once numbers arrive).
    bool m_selectAfterBuild = false;
};

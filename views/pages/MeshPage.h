// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/EdgeTelemetry.h"
#include "models/mesh/MeshTopology.h"

#include <QWidget>

#include <functional>

class AuditLog;
class ClusterSession;
class EdgeTelemetryLoader;
class ExperimentRegistry;
class ExperimentRunner;
class FaultPanel;
class GraphDetailsPane;
class GraphPanel;
class GraphView;
class MeshGraphModel;
class MeshTopologyLoader;
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

    void selectService(const QString& service);
    // Charts the traffic along one edge of the graph (by its id); its target's service becomes the
    // selected service. Selecting a service again charts all of its traffic.
    void selectEdge(const QString& edgeId);
    QString selectedService() const { return m_selected; }
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
    ExperimentRunner* experimentRunner() const { return m_runner; }

Q_SIGNALS:
    void statusMessage(const QString& message);
    void liveDataChanged();

private:
    void onTopology(const MeshTopology& topology);
    void onEdgeTelemetry(const EdgeTelemetry& telemetry);
    void focusService(const QString& service);
    void checkWriteAccess();
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

    ClusterSession* m_session;
    MeshTopologyLoader* m_topologyLoader;
    EdgeTelemetryLoader* m_edgeLoader;
    TelemetryLoader* m_telemetryLoader;
    MeshGraphModel* m_graph;
    TrafficSplitModel* m_split;
    TrafficSplitWriter* m_writer;
    TelemetrySeriesModel* m_series;
    GraphPanel* m_graphPanel;
    TrafficPanel* m_trafficPanel;
    TelemetryPanel* m_telemetryPanel;
    RoutingEventTracker* m_routingEvents;
    GraphDetailsPane* m_details;
    ExperimentRegistry* m_experiments;
    ExperimentRunner* m_runner;
    FaultPanel* m_faultPanel;
    QScrollArea* m_faultTab;
    QTabWidget* m_side;
    MeshTopology m_topology;
    EdgeTelemetry m_telemetry;
    bool m_haveTopology = false;
    QString m_selected;
};

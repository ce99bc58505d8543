// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/EdgeTelemetry.h"
#include "models/mesh/MeshTopology.h"

#include <QWidget>

class AuditLog;
class ClusterSession;
class EdgeTelemetryLoader;
class GraphDetailsPane;
class GraphPanel;
class GraphView;
class MeshGraphModel;
class MeshTopologyLoader;
class QTabWidget;
class RoutingEventTracker;
class TrafficPanel;
class TrafficSplitModel;
class TrafficSplitWriter;
class TelemetryLoader;
class TelemetryPanel;
class TelemetrySeriesModel;

// The home page: the live mesh graph, and for the selected service its traffic split and its
// telemetry by version (or, when an edge is clicked, the telemetry of that edge's traffic).
// Wires the loaders of one cluster session to the models the widgets show.
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
    TrafficPanel* trafficPanel() const { return m_trafficPanel; }
    TelemetryPanel* telemetryPanel() const { return m_telemetryPanel; }
    TelemetryLoader* telemetryLoader() const { return m_telemetryLoader; }
    GraphDetailsPane* detailsPane() const { return m_details; }

Q_SIGNALS:
    void statusMessage(const QString& message);
    void liveDataChanged();

private:
    void onTopology(const MeshTopology& topology);
    void onEdgeTelemetry(const EdgeTelemetry& telemetry);
    void focusService(const QString& service);
    void checkWriteAccess();
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
    QTabWidget* m_side;
    MeshTopology m_topology;
    EdgeTelemetry m_telemetry;
    bool m_haveTopology = false;
    QString m_selected;
};

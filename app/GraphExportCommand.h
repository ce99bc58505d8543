// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/EdgeTelemetry.h"
#include "models/graph/MeshGraphBuilder.h"
#include "models/mesh/MeshTopologies.h"

#include <QObject>
#include <QString>
#include <QTimer>

class ClusterSession;
class EdgeTelemetryLoader;
class MeshTopologyLoader;

// --export-graph FILE: connects, waits for the namespaces' objects and for the first telemetry
// answer that has traffic in it, writes the graph (.json, .dot, .png or .svg) and quits: exit 0
// when written, 1 when the file cannot be written, 3 when the cluster or Prometheus never answers
// with a graph, naming what went wrong.
class GraphExportCommand : public QObject {
    Q_OBJECT
public:
    // `namespaces`: shown together; empty: the session's namespace.
    GraphExportCommand(ClusterSession* session, QString file, GraphOptions options, const QStringList& namespaces,
                       QObject* parent = nullptr);

    static bool supports(const QString& file);

private:
    void onTopology(const MeshTopologies& topologies);
    void onTelemetry(const EdgeTelemetry& telemetry);
    void tryWrite();
    QString write(const MeshGraph& graph) const;
    void finish(int code, const QString& message);

    ClusterSession* m_session;
    QString m_file;
    GraphOptions m_options;
    MeshTopologyLoader* m_topologyLoader;
    EdgeTelemetryLoader* m_telemetryLoader;
    MeshTopologies m_topologies;
    EdgeTelemetry m_telemetry;
    bool m_haveTopology = false;
    bool m_haveTraffic = false;
    QString m_lastError;
    QTimer m_giveUp;
    bool m_done = false;
};

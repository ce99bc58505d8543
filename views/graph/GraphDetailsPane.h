// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopologies.h"

#include <QWidget>

class MeshGraphModel;
class QLabel;

// What the operator selected in the graph, spelled out: for a node its routing objects, versions
// with their pods and current share of the split, and live numbers; for an edge its rate, share,
// errors and latency. Follows the model's refreshes, so the numbers stay live while it is open.
class GraphDetailsPane : public QWidget {
    Q_OBJECT
public:
    explicit GraphDetailsPane(MeshGraphModel* model, QWidget* parent = nullptr);

    void setTopologies(const MeshTopologies& topologies);
    // Shows a node or an edge by its id in the model; an empty id shows the hint.
    void showNode(const QString& id);
    void showEdge(const QString& id);

    // The text shown, for tests and accessibility.
    QString text() const;

private:
    void refresh();
    QString describeNode(const QString& id) const;
    QString describeEdge(const QString& id) const;
    QString describeVersions(const QString& namespaceName, const QString& service) const;

    MeshGraphModel* m_model;
    MeshTopologies m_topologies;
    QLabel* m_label;
    QString m_nodeId;
    QString m_edgeId;
};

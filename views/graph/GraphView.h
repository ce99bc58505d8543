// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QGraphicsView>
#include <QHash>

class EdgeItem;
class MeshGraphModel;
class NodeItem;

// Draws the mesh graph of a MeshGraphModel. Items are created, updated and removed from the model's
// row notifications, so a refresh of the numbers repaints labels in place and never rebuilds the scene.
class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);

    void setModel(MeshGraphModel* model);
    // Selects the service node of that name, as a click on it would.
    void selectService(const QString& service);
    int nodeItemCount() const { return int(m_nodes.size()); }
    int edgeItemCount() const { return int(m_edges.size()); }

public Q_SLOTS:
    void fitToWindow();

Q_SIGNALS:
    // The service the selection belongs to (a workload selects its service); empty when cleared.
    void serviceSelected(const QString& service);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void addNodes(int first, int last);
    void removeNodes(int first, int last);
    void updateNodes(int first, int last);
    void addEdges(int first, int last);
    void removeEdges(int first, int last);
    void updateEdges(int first, int last);
    void relayout();
    void onSelectionChanged();

    MeshGraphModel* m_model = nullptr;
    QGraphicsScene m_scene;
    QHash<QString, NodeItem*> m_nodes;
    QHash<QString, EdgeItem*> m_edges;
    bool m_userZoomed = false;
};

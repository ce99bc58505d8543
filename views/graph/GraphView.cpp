// SPDX-License-Identifier: Apache-2.0
#include "GraphView.h"

#include "EdgeItem.h"
#include "NodeItem.h"

#include "models/graph/MeshGraphModel.h"

#include <QWheelEvent>

#include <cmath>

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent)
{
    setScene(&m_scene);
    setRenderHint(QPainter::Antialiasing);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setViewportUpdateMode(SmartViewportUpdate);
    setBackgroundBrush(QColor(0xFD, 0xFD, 0xFD));
    connect(&m_scene, &QGraphicsScene::selectionChanged, this, &GraphView::onSelectionChanged);
}

void GraphView::setModel(MeshGraphModel* model)
{
    m_model = model;
    GraphNodeModel* nodes = model->nodes();
    GraphEdgeModel* edges = model->edges();
    connect(nodes, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first, int last) { addNodes(first, last); });
    connect(nodes, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex&, int first, int last) { removeNodes(first, last); });
    connect(nodes, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to) { updateNodes(from.row(), to.row()); });
    connect(edges, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first, int last) { addEdges(first, last); });
    connect(edges, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex&, int first, int last) { removeEdges(first, last); });
    connect(edges, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to) { updateEdges(from.row(), to.row()); });
    connect(model, &MeshGraphModel::layoutChanged, this, &GraphView::relayout);
    if (nodes->rowCount() > 0)
        addNodes(0, nodes->rowCount() - 1);
    if (edges->rowCount() > 0)
        addEdges(0, edges->rowCount() - 1);
}

void GraphView::addNodes(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        const GraphNode& node = m_model->nodes()->row(i);
        auto* item = new NodeItem(node);
        m_scene.addItem(item);
        m_nodes.insert(node.id, item);
    }
}

void GraphView::removeNodes(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        const QString id = m_model->nodes()->row(i).id;
        // Edges hold their nodes by pointer: drop the ones touching this node before it goes.
        for (auto it = m_edges.begin(); it != m_edges.end();) {
            if ((*it)->edge().source == id || (*it)->edge().target == id) {
                delete *it;
                it = m_edges.erase(it);
            } else {
                ++it;
            }
        }
        delete m_nodes.take(id);
    }
}

void GraphView::updateNodes(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        const GraphNode& node = m_model->nodes()->row(i);
        if (NodeItem* item = m_nodes.value(node.id))
            item->setNode(node);
    }
}

void GraphView::addEdges(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        const GraphEdge& edge = m_model->edges()->row(i);
        NodeItem* source = m_nodes.value(edge.source);
        NodeItem* target = m_nodes.value(edge.target);
        if (!source || !target)
            continue;
        auto* item = new EdgeItem(edge, source, target);
        m_scene.addItem(item);
        m_edges.insert(edge.id, item);
    }
}

void GraphView::removeEdges(int first, int last)
{
    for (int i = first; i <= last; ++i)
        delete m_edges.take(m_model->edges()->row(i).id);
}

void GraphView::updateEdges(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        const GraphEdge& edge = m_model->edges()->row(i);
        if (EdgeItem* item = m_edges.value(edge.id))
            item->setEdge(edge);
    }
}

void GraphView::relayout()
{
    for (EdgeItem* edge : std::as_const(m_edges))
        edge->adjust();
    m_scene.setSceneRect(m_scene.itemsBoundingRect().adjusted(-40, -40, 40, 40));
    if (!m_userZoomed)
        fitToWindow();
}

void GraphView::fitToWindow()
{
    if (m_scene.items().isEmpty())
        return;
    fitInView(m_scene.itemsBoundingRect().adjusted(-30, -30, 30, 30), Qt::KeepAspectRatio);
    // Never blow small graphs up beyond their natural size: text would look coarse.
    if (transform().m11() > 1.0)
        setTransform(QTransform());
    m_userZoomed = false;
}

void GraphView::selectService(const QString& service)
{
    for (NodeItem* item : std::as_const(m_nodes)) {
        const GraphNode& node = item->node();
        item->setSelected(node.kind == GraphNodeKind::Service && node.name == service);
    }
}

void GraphView::onSelectionChanged()
{
    const QList<QGraphicsItem*> selected = m_scene.selectedItems();
    for (QGraphicsItem* item : selected) {
        if (auto* node = dynamic_cast<NodeItem*>(item)) {
            Q_EMIT serviceSelected(node->node().service);
            return;
        }
    }
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    const double factor = std::pow(1.0015, event->angleDelta().y());
    scale(factor, factor);
    m_userZoomed = true;
    event->accept();
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (!m_userZoomed)
        fitToWindow();
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "GraphStyle.h"

#include <QElapsedTimer>
#include <QGraphicsView>
#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QSet>
#include <QTimer>

class CellItem;
class EdgeItem;
class FrameViewport;
class MeshGraphModel;
class NodeItem;
class OverviewItem;
class QGraphicsRectItem;

// Draws the mesh graph of a MeshGraphModel. Items are created, updated and removed from the model's
// row notifications, so a refresh of the numbers repaints labels in place and never rebuilds the
// scene. Wheel zooms, dragging pans; the items drop detail as the view zooms out, and below
// GraphStyle::ShapeDetail one OverviewItem draws the whole graph in their place.
//
// Every paint goes through a picture of the viewport (m_frame). While a zoom or a pan is in
// progress, frames are made from that picture: scrolled, with only the strip that came into view
// painted by the items, or scaled, with the margin a zoom out brings filled from the last picture
// of the whole graph. Once input has rested for SettleMs the items paint the whole viewport again,
// crisp, at the new scale. The items sit in cells (CellItem), so that a paint of a strip visits
// only the few cells it crosses. Edges that only pass through the viewport, both ends off it, are
// hairlines the view writes into the canvas itself in one go (drawBackground(), HairlineRaster).
class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    void setModel(MeshGraphModel* model);
    // Selects the node with that id (ids carry the namespace), as a click on it would.
    void selectNode(const QString& id);
    int nodeItemCount() const { return int(m_nodes.size()); }
    int edgeItemCount() const { return int(m_edges.size()); }
    NodeItem* nodeItem(const QString& id) const { return m_nodes.value(id); }
    EdgeItem* edgeItem(const QString& id) const { return m_edges.value(id); }

    const GraphStyle& graphStyle() const { return m_style; }
    void setEdgeLabel(EdgeLabel label);
    void setHealthThresholds(const HealthThresholds& thresholds);

    // Selects and centres the first node whose name contains `text` (case-insensitive); false if none.
    bool findNode(const QString& text);
    // Shows only the node and its direct neighbours, fitted to the window; an empty id shows all again.
    void focusNode(const QString& id);
    QString focusedNode() const { return m_focus; }
    QString selectedNodeId() const;

    // Traffic dots along the edges; they also stop by themselves while zoomed too far out to see.
    void setAnimationRunning(bool running);
    bool isAnimationRunning() const { return m_animationWanted; }
    // The time between two frames of the dots: 33 ms, longer where painting them costs more (see animate()).
    int animationFrameMs() const { return m_animationTimer.interval(); }
    // Zoomed out below GraphStyle::ShapeDetail: the overview draws, the node and edge items do not.
    bool isOverview() const { return m_overviewShown; }
    // A zoom or pan is in progress: frames come from the last full picture until input rests.
    bool isInteracting() const { return m_interacting; }
    static constexpr int SettleMs = 150;

public Q_SLOTS:
    void fitToWindow();
    void zoomBy(double factor);

Q_SIGNALS:
    void nodeSelected(const QString& id);
    // A click on an edge selects it instead of a node.
    void edgeSelected(const QString& id);
    // A click on the empty canvas took the selection away (not a drag, not a rebuild of the items).
    void selectionClearedByClick();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void addNodes(int first, int last);
    void removeNodes(int first, int last);
    void updateNodes(int first, int last);
    void addEdges(int first, int last);
    void removeEdges(int first, int last);
    void updateEdges();
    // The rows of `items` from `from` on moved in their model: each item is told its new row.
    template<typename Item>
    void renumber(const QList<Item*>& items, int from);
    void relayout();
    // Puts each item in the cell of its place and size (moving it if it moved), then fits the
    // cells that changed.
    template<typename Item>
    void placeInCells(const QList<Item*>& items);
    void onSelectionChanged();
    void applyFocus();
    void animate();
    void updateAnimationState();
    void applyLevelOfDetail();
    bool isShown(const QGraphicsItem* item) const;
    NodeItem* nodeAt(const QPoint& viewportPos) const;
    void noteInteraction();
    void settle();
    // Paints `region` of the viewport with the items into m_frame.
    void paintIntoFrame(const QRegion& region);
    // An interactive frame: m_frame moved by `move` (from its viewport to the current one).
    void paintMovedFrame(const QTransform& move);

    MeshGraphModel* m_model = nullptr;
    QGraphicsScene m_scene;
    GraphStyle m_style;
    // Every node and edge item is a grandchild of this empty item, in one of its cells; fully
    // transparent, it takes them all out of painting at once (the scene skips its subtree) while
    // their state, selection included, stays as it is.
    QGraphicsRectItem* m_layer;
    QHash<quint64, CellItem*> m_cells;
    OverviewItem* m_overview;
    FrameViewport* m_viewport;
    bool m_overviewShown = false;
    QPoint m_pressedAt; // tells a click from a drag in the overview
    QHash<QString, NodeItem*> m_nodes;
    QHash<QString, EdgeItem*> m_edges;
    // The items in the models' row order, so a refresh finds each row's item without hashing.
    QList<NodeItem*> m_nodeRows;
    QList<EdgeItem*> m_edgeRows;
    QString m_focus;
    bool m_userZoomed = false;
    // One timer drives every moving dot; it runs only while dots can be seen.
    QTimer m_animationTimer;
    QElapsedTimer m_clock;
    bool m_animationWanted = false;
    double m_lastPaintMs = 0; // the items' last paint into the picture
    // The viewport as last painted by the items, and the viewport transform it was painted at.
    QPixmap m_frame;
    QTransform m_frameTransform;
    bool m_frameValid = false;
    // The last full picture at the smallest scale since the layout (fit-to-window, usually): while
    // zooming out it fills the margin around the scaled picture until the items paint it.
    QPixmap m_whole;
    QTransform m_wholeTransform;
    // What drawBackground() paints the canvas and the edges passing through into, kept to reuse its memory.
    QImage m_background;
    bool m_interacting = false;
    QTimer m_settleTimer;
};

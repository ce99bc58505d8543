// SPDX-License-Identifier: Apache-2.0
#include "GraphView.h"

#include "CellItem.h"
#include "EdgeItem.h"
#include "FrameViewport.h"
#include "HairlineRaster.h"
#include "NodeItem.h"
#include "OverviewItem.h"

#include "views/style/ViewLook.h"

#include "models/graph/MeshGraphModel.h"

#include <QApplication>
#include <QGraphicsRectItem>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEngine>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace {
constexpr int AnimationFrameMs = 33;
constexpr int SlowestAnimationFrameMs = 500;
// The side of the smallest cells in scene units: about a viewport at 1:1.
constexpr double CellSide = 800;

// Nodes go to the square of their position; edges to a square of a size near theirs, around their
// middle, so that one long edge does not make a cell of short ones large.
quint64 cellKey(const QGraphicsItem* item)
{
    const bool node = item->type() == NodeItem::Type;
    const QRectF bounds = item->boundingRect();
    int sizeClass = 0;
    if (!node) {
        const double extent = std::max(bounds.width(), bounds.height()) / CellSide;
        sizeClass = extent > 1 ? std::min(15, int(std::ceil(std::log2(extent)))) : 0;
    }
    const double side = CellSide * double(1 << sizeClass);
    const QPointF at = node ? item->pos() : bounds.center();
    const auto x = quint64(quint32(int(std::floor(at.x() / side))) & 0xFFFFFF);
    const auto y = quint64(quint32(int(std::floor(at.y() / side))) & 0xFFFFFF);
    return (x << 40) | (y << 16) | (quint64(sizeClass) << 1) | (node ? 1 : 0);
}
} // namespace

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent)
    , m_layer(new QGraphicsRectItem)
    , m_overview(new OverviewItem(&m_nodeRows, &m_edgeRows, m_layer))
    , m_viewport(new FrameViewport)
{
    setViewport(m_viewport);
    // Measured (bench/graph, 2,000 services): building the BSP tree makes the first paint 4x slower,
    // and edges that span many rows intersect every view anyway, so the index saves no frame time.
    m_scene.setItemIndexMethod(QGraphicsScene::NoIndex);
    setScene(&m_scene);
    m_layer->setFlag(QGraphicsItem::ItemHasNoContents);
    m_layer->setPen(Qt::NoPen);
    m_scene.addItem(m_layer);
    m_overview->setVisible(false);
    m_scene.addItem(m_overview);
    setRenderHint(QPainter::Antialiasing);
    setDragMode(ScrollHandDrag);
    // The graph pans by dragging, like Kiali's: no bars, which would take room from it and show
    // whenever the scene's margin is a little larger than the view (as when presenting).
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setTransformationAnchor(AnchorUnderMouse);
    setViewportUpdateMode(SmartViewportUpdate);
    // Every item sets the pen, brush, font and hints it uses, so the view need not save and
    // restore the painter around each of thousands of items.
    setOptimizationFlags(DontSavePainterState | DontAdjustForAntialiasing);
    setBackgroundBrush(m_style.colors.canvas);
    // A theme or presentation change: new colours and widths for every item, one repaint.
    connect(ViewLook::instance(), &ViewLook::changed, this, [this] {
        m_style.applyLook();
        setBackgroundBrush(m_style.colors.canvas);
        m_whole = QPixmap(); // in the old colours
        m_overview->invalidate();
        m_scene.update();
        if (!m_userZoomed)
            fitToWindow(); // presenting allows a larger zoom
    });
    connect(&m_scene, &QGraphicsScene::selectionChanged, this, &GraphView::onSelectionChanged);
    connect(&m_animationTimer, &QTimer::timeout, this, &GraphView::animate);
    m_settleTimer.setSingleShot(true);
    m_settleTimer.setInterval(SettleMs);
    connect(&m_settleTimer, &QTimer::timeout, this, &GraphView::settle);
    m_clock.start();
}

GraphView::~GraphView()
{
    // Edges detach from their nodes when deleted; the scene would delete items in any order.
    qDeleteAll(m_edges);
    qDeleteAll(m_nodes);
    // Now, while the settle timer still lives: a scene leaving its view resets the scroll
    // position, which scrollContentsBy() takes for a gesture.
    setScene(nullptr);
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
            [this] { updateEdges(); });
    connect(model, &MeshGraphModel::layoutChanged, this, &GraphView::relayout);
    if (nodes->rowCount() > 0)
        addNodes(0, nodes->rowCount() - 1);
    if (edges->rowCount() > 0)
        addEdges(0, edges->rowCount() - 1);
    relayout();
}

void GraphView::addNodes(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        auto* item = new NodeItem(m_model->nodes(), i, &m_style);
        m_nodes.insert(item->node().id, item);
        m_nodeRows.insert(i, item);
    }
    renumber(m_nodeRows, last + 1);
    placeInCells(m_nodeRows.mid(first, last - first + 1));
    m_overview->invalidate();
    if (!m_focus.isEmpty())
        applyFocus();
}

void GraphView::removeNodes(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        NodeItem* node = m_nodes.take(m_model->nodes()->row(i).id);
        // The edge model removes this node's edges right after; until then they must not touch it.
        const QList<EdgeItem*> attached = node->edges();
        for (EdgeItem* edge : attached) {
            edge->forget(node);
            edge->setVisible(false);
        }
        delete node;
    }
    m_nodeRows.remove(first, last - first + 1);
    renumber(m_nodeRows, first);
    m_overview->invalidate();
}

void GraphView::updateNodes(int first, int last)
{
    // The items read their rows where the model keeps them: only moves and colours are applied now.
    for (int i = first; i <= last; ++i)
        m_nodeRows.at(i)->sync();
    m_overview->invalidate();
    viewport()->update();
}

void GraphView::addEdges(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        const GraphEdge& edge = m_model->edges()->row(i);
        NodeItem* source = m_nodes.value(edge.source);
        NodeItem* target = m_nodes.value(edge.target);
        EdgeItem* item = nullptr;
        if (source && target) {
            item = new EdgeItem(m_model->edges(), i, source, target, &m_style);
            m_edges.insert(edge.id, item);
        }
        m_edgeRows.insert(i, item);
    }
    renumber(m_edgeRows, last + 1);
    placeInCells(m_edgeRows.mid(first, last - first + 1));
    m_overview->invalidate();
    if (!m_focus.isEmpty())
        applyFocus();
}

void GraphView::removeEdges(int first, int last)
{
    for (int i = first; i <= last; ++i) {
        m_edges.remove(m_model->edges()->row(i).id);
        delete m_edgeRows.at(i);
    }
    m_edgeRows.remove(first, last - first + 1);
    renumber(m_edgeRows, first);
    m_overview->invalidate();
}

void GraphView::updateEdges()
{
    // New numbers: the edges read them when they paint, and the overview when it is rebuilt.
    m_overview->invalidate();
    viewport()->update();
}

template<typename Item>
void GraphView::renumber(const QList<Item*>& items, int from)
{
    for (qsizetype i = from; i < items.size(); ++i) {
        if (Item* item = items.at(i))
            item->setRow(int(i));
    }
}

template<typename Item>
void GraphView::placeInCells(const QList<Item*>& items)
{
    QSet<CellItem*> changed;
    for (Item* item : items) {
        if (!item)
            continue; // an edge whose ends are not drawn
        const quint64 key = cellKey(item);
        CellItem*& cell = m_cells[key];
        if (!cell)
            cell = new CellItem(m_layer);
        if (item->parentItem() == cell)
            continue;
        if (auto* old = qgraphicsitem_cast<CellItem*>(item->parentItem()))
            changed.insert(old);
        item->setParentItem(cell);
        cell->setZValue(item->zValue()); // nodes over edges, as without cells
        changed.insert(cell);
    }
    for (CellItem* cell : std::as_const(changed))
        cell->fit();
}

void GraphView::relayout()
{
    m_whole = QPixmap(); // shows the nodes where they were
    // Moved items change cells, and the cells they stay in change bounds.
    placeInCells(m_nodeRows);
    placeInCells(m_edgeRows);
    for (CellItem* cell : std::as_const(m_cells))
        cell->fit();
    // The overview's bounds are the scene's: measured on the detail items alone.
    m_scene.setSceneRect(m_layer->childrenBoundingRect().adjusted(-40, -40, 40, 40));
    m_overview->setBounds(m_scene.sceneRect());
    m_overview->invalidate();
    if (!m_userZoomed)
        fitToWindow();
}

void GraphView::setEdgeLabel(EdgeLabel label)
{
    m_style.edgeLabel = label;
    m_scene.update();
}

void GraphView::setHealthThresholds(const HealthThresholds& thresholds)
{
    m_style.thresholds = thresholds;
    m_overview->invalidate();
    m_scene.update();
}

void GraphView::fitToWindow()
{
    QRectF bounds;
    for (const NodeItem* node : std::as_const(m_nodes)) {
        if (isShown(node))
            bounds |= node->sceneBoundingRect();
    }
    if (bounds.isEmpty())
        return;
    fitInView(bounds.adjusted(-30, -30, 30, 30), Qt::KeepAspectRatio);
    // Never blow small graphs up beyond their natural size: text would look coarse. On a projector
    // size matters more, and the boxes are sized for the usual font: let them grow like the text.
    const double largest = ViewLook::instance()->isPresenting() ? 2.0 : 1.0;
    if (transform().m11() > largest)
        setTransform(QTransform::fromScale(largest, largest));
    m_userZoomed = false;
    applyLevelOfDetail();
    updateAnimationState();
    settle(); // not a gesture: the fitted graph is painted crisp at once
}

void GraphView::zoomBy(double factor)
{
    const double scale = transform().m11() * factor;
    if (scale < 0.005 || scale > 8)
        return;
    this->scale(factor, factor);
    noteInteraction();
    m_userZoomed = true;
    applyLevelOfDetail();
    updateAnimationState();
}

void GraphView::selectNode(const QString& id)
{
    for (NodeItem* item : std::as_const(m_nodes))
        item->setSelected(item->node().id == id);
}

QString GraphView::selectedNodeId() const
{
    const QList<QGraphicsItem*> selected = m_scene.selectedItems();
    for (QGraphicsItem* item : selected) {
        if (auto* node = qgraphicsitem_cast<NodeItem*>(item))
            return node->node().id;
    }
    return {};
}

bool GraphView::findNode(const QString& text)
{
    if (text.isEmpty())
        return false;
    NodeItem* best = nullptr;
    // In the model's order, where nodes come namespace by namespace as they were asked for: an
    // exact name beats a partial one, then the first name in alphabetical order, then the first
    // namespace holding it; never hash order.
    for (NodeItem* item : std::as_const(m_nodeRows)) {
        const QString& name = item->node().name;
        if (!name.contains(text, Qt::CaseInsensitive))
            continue;
        const bool exact = name.compare(text, Qt::CaseInsensitive) == 0;
        const bool bestExact = best && best->node().name.compare(text, Qt::CaseInsensitive) == 0;
        if (!best || (exact && !bestExact) || (exact == bestExact && name < best->node().name))
            best = item;
    }
    if (!best)
        return false;
    if (!isShown(best))
        focusNode({});
    m_scene.clearSelection();
    best->setSelected(true);
    // Zoomed out too far to read the name, a find zooms in to where labels show.
    if (transform().m11() < GraphStyle::LabelDetail) {
        setTransform(QTransform::fromScale(1, 1));
        m_userZoomed = true;
    }
    centerOn(best);
    applyLevelOfDetail();
    updateAnimationState();
    settle();
    return true;
}

void GraphView::focusNode(const QString& id)
{
    m_focus = m_nodes.contains(id) ? id : QString();
    applyFocus();
    fitToWindow();
}

void GraphView::applyFocus()
{
    NodeItem* centre = m_nodes.value(m_focus);
    if (!centre) {
        m_focus.clear();
        for (NodeItem* node : std::as_const(m_nodes))
            node->setVisible(true);
        for (EdgeItem* edge : std::as_const(m_edges))
            edge->setVisible(true);
        m_overview->invalidate();
        return;
    }
    QSet<const NodeItem*> shown{centre};
    for (const EdgeItem* edge : centre->edges()) {
        shown.insert(m_nodes.value(edge->edge().source));
        shown.insert(m_nodes.value(edge->edge().target));
    }
    for (NodeItem* node : std::as_const(m_nodes))
        node->setVisible(shown.contains(node));
    for (EdgeItem* edge : std::as_const(m_edges))
        edge->setVisible(edge->edge().source == m_focus || edge->edge().target == m_focus);
    m_overview->invalidate();
}

void GraphView::onSelectionChanged()
{
    m_overview->invalidate(); // the selected node is a block in the selection colour
    const QList<QGraphicsItem*> selected = m_scene.selectedItems();
    for (QGraphicsItem* item : selected) {
        if (auto* node = qgraphicsitem_cast<NodeItem*>(item)) {
            Q_EMIT nodeSelected(node->node().id);
            return;
        }
        if (auto* edge = qgraphicsitem_cast<EdgeItem*>(item)) {
            Q_EMIT edgeSelected(edge->edge().id);
            return;
        }
    }
}

void GraphView::setAnimationRunning(bool running)
{
    m_animationWanted = running;
    updateAnimationState();
}

void GraphView::updateAnimationState()
{
    // Dots are drawn only where curves are: zoomed further out they would be noise and cost.
    const bool visible = m_animationWanted && transform().m11() >= GraphStyle::ShapeDetail;
    if (visible == m_style.animating)
        return;
    m_style.animating = visible;
    if (visible)
        m_animationTimer.start(AnimationFrameMs);
    else
        m_animationTimer.stop();
    m_scene.update();
}

void GraphView::animate()
{
    if (m_interacting)
        return; // the frames come from a still picture until input rests
    m_style.phaseSeconds = double(m_clock.elapsed()) / 1000.0;
    // Each frame repaints every edge in view: zoomed in on 2,000 services that costs 40-90 ms, and a
    // fixed 33 ms tick would leave the GUI thread no time for input. The next frame waits three
    // times the last paint, so the dots take at most about a third of the thread (dots move by the
    // clock, so a slower tick shows the same speed, less smoothly).
    m_animationTimer.setInterval(std::clamp(int(std::ceil(3 * m_lastPaintMs)), AnimationFrameMs, SlowestAnimationFrameMs));
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    const QList<QGraphicsItem*> items = m_scene.items(visible, Qt::IntersectsItemBoundingRect);
    for (QGraphicsItem* item : items) {
        if (item->type() == EdgeItem::Type) // only edges move
            item->update();
    }
}

bool GraphView::viewportEvent(QEvent* event)
{
    // Tooltips are written when asked for, not on every refresh of thousands of items.
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        QString text;
        if (m_overviewShown) {
            if (const NodeItem* node = nodeAt(help->pos()))
                text = node->toolTipText();
        } else {
            // The topmost node or edge there: the cells that hold them are under the mouse too.
            const QList<QGraphicsItem*> under = items(help->pos());
            for (QGraphicsItem* item : under) {
                if (auto* node = qgraphicsitem_cast<NodeItem*>(item))
                    text = node->toolTipText();
                else if (auto* edge = qgraphicsitem_cast<EdgeItem*>(item))
                    text = edge->toolTipText();
                if (!text.isEmpty())
                    break;
            }
        }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QGraphicsView::viewportEvent(event);
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    zoomBy(std::pow(1.0015, event->angleDelta().y()));
    event->accept();
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (!m_userZoomed)
        fitToWindow();
}

bool GraphView::isShown(const QGraphicsItem* item) const
{
    // Shown in the focus, whether the detail layer or the overview draws it right now.
    return item->isVisibleTo(m_layer);
}

NodeItem* GraphView::nodeAt(const QPoint& viewportPos) const
{
    // The overview has no items to hit: a scan of a few thousand rectangles, only when asked.
    const QPointF scenePos = mapToScene(viewportPos);
    for (NodeItem* node : m_nodeRows) {
        if (isShown(node) && node->sceneBoundingRect().contains(scenePos))
            return node;
    }
    return nullptr;
}

void GraphView::applyLevelOfDetail()
{
    const bool overview = transform().m11() < GraphStyle::ShapeDetail;
    if (overview == m_overviewShown)
        return;
    m_overviewShown = overview;
    m_layer->setOpacity(overview ? 0 : 1);
    m_overview->setVisible(overview);
    if (overview)
        m_background = QImage(); // the overview paints the lines then, with its own picture
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    m_pressedAt = event->position().toPoint();
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent* event)
{
    // A click on the canvas clears the selection (the hand drag does that on release); in the
    // overview, where no item is under the mouse, a click on a block then selects its node.
    QGraphicsView::mouseReleaseEvent(event);
    const QPoint at = event->position().toPoint();
    if (event->button() != Qt::LeftButton || (at - m_pressedAt).manhattanLength() >= QApplication::startDragDistance())
        return;
    if (m_overviewShown) {
        if (NodeItem* node = nodeAt(at))
            node->setSelected(true);
    }
    if (m_scene.selectedItems().isEmpty())
        Q_EMIT selectionClearedByClick();
}

void GraphView::noteInteraction()
{
    m_interacting = true;
    m_settleTimer.start();
}

void GraphView::settle()
{
    m_settleTimer.stop();
    m_interacting = false;
    // Pieces painted while panning decided hairlines on what was shown then; all of it again.
    m_frameValid = false;
    viewport()->update();
}

void GraphView::paintEvent(QPaintEvent* event)
{
    // Also here, for transforms set from outside (setTransform() is not virtual).
    applyLevelOfDetail();
    const qreal ratio = viewport()->devicePixelRatio();
    const QSize pixels = (QSizeF(viewport()->size()) * ratio).toSize();
    if (pixels.isEmpty())
        return;
    if (m_frame.size() != pixels) {
        m_frame = QPixmap(pixels);
        m_frame.setDevicePixelRatio(ratio);
        m_frameValid = false;
    }
    const QTransform now = viewportTransform();
    if (m_interacting && m_frameValid && now != m_frameTransform) {
        paintMovedFrame(m_frameTransform.inverted() * now);
        return;
    }
    // Settled: the items paint what changed, into the picture the next gesture starts from.
    const bool full = !m_frameValid || now != m_frameTransform || event->region() == QRegion(viewport()->rect());
    QElapsedTimer painting;
    painting.start();
    paintIntoFrame(full ? QRegion(viewport()->rect()) : event->region());
    m_lastPaintMs = double(painting.nsecsElapsed()) / 1e6;
    if (full && (m_whole.isNull() || now.m11() <= m_wholeTransform.m11())) {
        m_whole = m_frame; // shares the pixels until the next paint
        m_wholeTransform = now;
    }
    QPainter painter(viewport());
    painter.setClipRegion(event->region());
    painter.drawPixmap(0, 0, m_frame);
}

void GraphView::paintIntoFrame(const QRegion& region)
{
    // The base class paints m_frame exactly as it would paint the screen, clipped to `region` as
    // the screen would be (an exposed region's background is its bounding rectangle).
    m_frame.detach(); // the engine clipped below is the one the painter will use
    QPaintEngine* engine = m_frame.paintEngine();
    const qreal ratio = m_frame.devicePixelRatio();
    engine->setSystemClip(QTransform::fromScale(ratio, ratio).map(region));
    m_viewport->redirectTo(&m_frame);
    QPaintEvent event(region);
    QGraphicsView::paintEvent(&event);
    m_viewport->redirectTo(nullptr);
    engine->setSystemClip(QRegion());
    m_frameTransform = viewportTransform();
    m_frameValid = true;
}

void GraphView::paintMovedFrame(const QTransform& move)
{
    const QRect whole = viewport()->rect();
    const qreal ratio = m_frame.devicePixelRatio();
    auto wholePixels = [ratio](double v) { return std::abs(v * ratio - std::round(v * ratio)) < 0.01; };
    const bool scrolled = std::abs(move.m11() - 1) < 1e-9 && std::abs(move.m22() - 1) < 1e-9 && move.m12() == 0
        && move.m21() == 0 && wholePixels(move.dx()) && wholePixels(move.dy());
    if (scrolled) {
        // A pan: the picture moves and stays sharp; the items paint only the strip that came into
        // view, and the picture is the new one the next pan step starts from.
        const int dx = int(std::round(move.dx()));
        const int dy = int(std::round(move.dy()));
        m_frame.scroll(int(std::round(dx * ratio)), int(std::round(dy * ratio)), m_frame.rect());
        paintIntoFrame(QRegion(whole) - QRegion(whole.translated(dx, dy)));
        QPainter painter(viewport());
        painter.drawPixmap(0, 0, m_frame);
        return;
    }
    // A zoom: the last sharp picture, scaled, where it reaches. The picture itself is kept, so
    // that scaling errors do not add up over the gesture. Zooming out brings in a margin that
    // grows to nearly the whole viewport, which the items or even the overview's lines would take
    // 60-200 ms to paint (bench/graph): the last picture of the whole graph fills it, scaled up.
    const QRectF moved = move.mapRect(QRectF(whole));
    const QRect covered = QRect(QPoint(int(std::ceil(moved.left())), int(std::ceil(moved.top()))),
                                QPoint(int(std::floor(moved.right())) - 1, int(std::floor(moved.bottom())) - 1))
        & whole;
    const QRegion rest = QRegion(whole) - covered;
    QPainter painter(viewport());
    if (!rest.isEmpty()) {
        painter.setClipRegion(rest);
        painter.fillRect(whole, backgroundBrush());
        if (!m_whole.isNull()) {
            painter.setRenderHint(QPainter::SmoothPixmapTransform);
            painter.setTransform(m_wholeTransform.inverted() * viewportTransform());
            painter.drawPixmap(0, 0, m_whole);
            painter.resetTransform();
        }
    }
    painter.setClipRect(covered);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.setTransform(move);
    painter.drawPixmap(0, 0, m_frame);
}

void GraphView::drawBackground(QPainter* painter, const QRectF& rect)
{
    // Called with the exposed part of the scene right before the items paint: edges draw only
    // their piece inside it.
    m_style.exposed = rect;
    m_style.shown = mapToScene(viewport()->rect()).boundingRect();
    // Into pixels only: an SVG export keeps every edge a line of its own.
    m_style.passingEdgesDrawn = !m_overviewShown && painter->paintEngine()->type() == QPaintEngine::Raster;
    if (!m_style.passingEdgesDrawn) {
        QGraphicsView::drawBackground(painter, rect);
        return;
    }
    // At 1:1 hundreds of edges cross the viewport with both ends off screen (715 in the middle of
    // the 2,000-service versioned graph): drawn one by one by QPainter those hairlines took about
    // as long as all the wide edges. Here they are written into the background's pixels at once.
    const QTransform world = painter->worldTransform();
    const QTransform device = painter->deviceTransform();
    const QRect pixels = device.mapRect(rect).toAlignedRect();
    if (pixels.isEmpty())
        return;
    if (m_background.size() != pixels.size())
        m_background = QImage(pixels.size(), QImage::Format_RGB32); // the canvas is opaque: drawn as a copy
    m_background.fill(backgroundBrush().color());
    HairlineRaster raster(&m_background, device * QTransform::fromTranslate(-pixels.left(), -pixels.top()));
    for (const EdgeItem* edge : std::as_const(m_edgeRows)) {
        // Cheapest test first: few of the thousands of edges come near the exposed part.
        if (edge && edge->boundingRect().intersects(rect) && edge->passesThrough(m_style.shown) && isShown(edge))
            raster.drawPolyline(edge->polyline().data(), int(edge->polyline().size()), edge->color());
    }
    const qreal ratio = device.m11() / world.m11();
    m_background.setDevicePixelRatio(ratio);
    painter->setWorldTransform(QTransform());
    painter->drawImage(QPointF(pixels.topLeft()) / ratio, m_background);
    painter->setWorldTransform(world);
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    // A drag, a scroll bar or a zoom's anchoring: paintMovedFrame() scrolls the picture itself and
    // has the items paint only the strip that came into view.
    noteInteraction();
    viewport()->update();
}

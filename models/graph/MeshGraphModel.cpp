// SPDX-License-Identifier: Apache-2.0
#include "MeshGraphModel.h"

#include "MeshGraphBuilder.h"

#include <QRectF>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

QVariant GraphNodeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const GraphNode& node = row(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return node.name;
    case Qt::ToolTipRole:
        return tr("%1\n%2 requests/s in").arg(node.name).arg(node.requestsPerSecond, 0, 'f', 1);
    case IdRole:
        return node.id;
    case KindRole:
        return int(node.kind);
    case ServiceRole:
        return node.service;
    case VersionRole:
        return node.version;
    case PositionRole:
        return node.position;
    case RateRole:
        return node.requestsPerSecond;
    default:
        return {};
    }
}

QVariant GraphEdgeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const GraphEdge& edge = row(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1 rps").arg(edge.requestsPerSecond, 0, 'f', 1);
    case IdRole:
        return edge.id;
    case SourceRole:
        return edge.source;
    case TargetRole:
        return edge.target;
    case RateRole:
        return edge.requestsPerSecond;
    case ErrorRatioRole:
        return edge.errorRatio;
    case ShareRole:
        return edge.share;
    default:
        return {};
    }
}

namespace {

// Nodes as indices for LayeredLayout: the graph's nodes, then `extra` ids; links between them,
// plus service -> workload so that an idle version still sits right of its service.
struct IndexedGraph {
    QStringList ids;
    QHash<QString, int> index;
    QList<LayeredLayout::Link> links;

    IndexedGraph(QStringList nodeIds, const QList<std::pair<QString, QString>>& idLinks, const MeshGraph& graph)
        : ids(std::move(nodeIds))
    {
        index.reserve(ids.size());
        for (qsizetype i = 0; i < ids.size(); ++i)
            index.insert(ids.at(i), int(i));
        links.reserve(idLinks.size() + graph.nodes.size());
        auto link = [&](const QString& source, const QString& target) {
            const int s = index.value(source, -1);
            const int t = index.value(target, -1);
            if (s >= 0 && t >= 0)
                links.append({s, t});
        };
        for (const auto& [source, target] : idLinks)
            link(source, target);
        for (const GraphNode& node : graph.nodes) {
            if (node.kind == GraphNodeKind::Workload && !node.service.isEmpty())
                link(MeshGraphBuilder::serviceId(node.namespaceName, node.service), node.id);
        }
    }
};

} // namespace

MeshGraphModel::MeshGraphModel(QObject* parent)
    : QObject(parent)
{
    // A watcher rather than QFuture::then(this, ...): Qt 6.4's continuation asserts that its context
    // is still alive when the worker finishes, and the window may close during a layout.
    connect(&m_layoutWatcher, &QFutureWatcher<QHash<QString, QPointF>>::finished, this, &MeshGraphModel::onLayoutDone);
}

bool MeshGraphModel::hasTraffic() const
{
    return !m_edges.rows().isEmpty();
}

MeshGraph MeshGraphModel::graph() const
{
    return {m_nodes.rows(), m_edges.rows()};
}

void MeshGraphModel::resetLayout()
{
    m_positions.clear();
    m_layoutLinks.clear();
    m_pending.reset();
    ++m_layoutGeneration;
    m_layoutRunning = false;
}

void MeshGraphModel::setGraph(MeshGraph graph)
{
    // (After resetLayout() positions are empty and the graph is laid out afresh, same ids or not.)
    if (!m_layoutRunning && !m_positions.isEmpty() && m_nodes.sameIdsInOrder(graph.nodes)
        && m_edges.sameIdsInOrder(graph.edges)) {
        // The common refresh: the nodes and edges shown, with new numbers. Every link and position
        // is known already, so nothing is hashed (bench/graph: most of a refresh's time at 2,000 services).
        for (qsizetype i = 0; i < graph.nodes.size(); ++i)
            graph.nodes[i].position = m_nodes.row(int(i)).position;
        m_nodes.updateRows(std::move(graph.nodes));
        m_edges.updateRows(std::move(graph.edges));
        return;
    }
    // Only links not seen before allocate: a refresh of the numbers finds them all.
    for (const GraphEdge& edge : std::as_const(graph.edges)) {
        if (!m_layoutLinks.contains(edge.id))
            m_layoutLinks.insert(edge.id, {edge.source, edge.target});
    }
    if (m_layoutRunning) {
        m_pending = std::move(graph);
        return;
    }
    if (outgrowsTheView(graph))
        m_positions.clear(); // laid out afresh below, on the worker when large
    if (m_positions.isEmpty() && graph.nodes.size() >= m_backgroundThreshold) {
        // Pending first: the layout's result finds it there.
        m_pending = std::move(graph);
        startLayout(*m_pending);
        return;
    }
    publish(std::move(graph), false);
}

void MeshGraphModel::publish(MeshGraph graph, bool laidOut)
{
    const bool placed = placeNewNodes(graph) || laidOut;
    for (GraphNode& node : graph.nodes)
        node.position = m_positions.value(node.id);
    m_nodes.setRows(std::move(graph.nodes));
    m_edges.setRows(std::move(graph.edges));
    if (placed)
        Q_EMIT layoutChanged();
}

namespace {

// Width over height of the cells the nodes take.
double aspectOf(const QList<QPointF>& positions, const std::vector<char>& counted)
{
    QRectF box;
    for (qsizetype i = 0; i < positions.size(); ++i) {
        if (counted[size_t(i)])
            box |= QRectF(positions.at(i), QSizeF(LayeredLayout::LayerSpacing, LayeredLayout::RowSpacing));
    }
    return box.isEmpty() ? 0 : box.width() / box.height();
}

} // namespace

bool MeshGraphModel::outgrowsTheView(const MeshGraph& graph) const
{
    if (m_positions.isEmpty())
        return false;
    // Only growth inside namespaces already laid out: a namespace added to those shown goes beside
    // them, and nothing shown moves. Outside nodes belong to no namespace's picture.
    QSet<QString> laidOut;
    for (const GraphNode& node : graph.nodes) {
        if (node.kind != GraphNodeKind::External && m_positions.contains(node.id))
            laidOut.insert(node.namespaceName);
    }
    qsizetype inside = 0;
    qsizetype elsewhere = 0;
    for (const GraphNode& node : graph.nodes) {
        if (node.kind != GraphNodeKind::External && !m_positions.contains(node.id))
            ++(laidOut.contains(node.namespaceName) ? inside : elsewhere);
    }
    if (inside == 0 || inside <= elsewhere)
        return false;
    const QList<QPointF> positions = withNewNodesPlaced(graph);
    std::vector<char> before(size_t(graph.nodes.size()));
    QHash<QString, qsizetype> indexOf;
    indexOf.reserve(graph.nodes.size());
    for (qsizetype i = 0; i < graph.nodes.size(); ++i) {
        before[size_t(i)] = m_positions.contains(graph.nodes.at(i).id);
        indexOf.insert(graph.nodes.at(i).id, i);
    }
    // Calls drawn right to left: a new node placed right of what it calls (a version that called out
    // before its service had a caller, so the service came later and right of its caller). Cycles
    // aside, a fresh layout draws none; in a large graph such a call loops across the picture (and
    // widens what fit-to-window shows), in a small one it is one short curve.
    qsizetype leftward = 0;
    for (const GraphEdge& edge : graph.edges) {
        const qsizetype source = indexOf.value(edge.source, -1);
        const qsizetype target = indexOf.value(edge.target, -1);
        if (source >= 0 && target >= 0 && !(before[size_t(source)] && before[size_t(target)])
            && positions.at(source).x() >= positions.at(target).x())
            ++leftward;
    }
    if (leftward > 0 && graph.nodes.size() >= m_backgroundThreshold)
        return true;
    // Too tall: half as tall again as the view's shape. Columns grown that far stand out above and
    // below the picture. One that was too tall already (compute() leaves pictures up to twice too
    // tall unwrapped, and wrapping cannot help some) is not laid out again for every node that joins it.
    const std::vector<char> after(size_t(graph.nodes.size()), 1);
    const double tooTall = m_aspectRatio / 1.5;
    return aspectOf(positions, before) >= tooTall && aspectOf(positions, after) < tooTall;
}

QList<QPointF> MeshGraphModel::withNewNodesPlaced(const MeshGraph& graph) const
{
    QStringList ids;
    ids.reserve(graph.nodes.size());
    for (const GraphNode& node : graph.nodes)
        ids.append(node.id);
    // Nodes away right now keep their slots: they are added as placed nodes without links.
    const qsizetype present = ids.size();
    const QSet<QString> presentIds(ids.cbegin(), ids.cend());
    for (auto it = m_positions.cbegin(); it != m_positions.cend(); ++it) {
        if (!presentIds.contains(it.key()))
            ids.append(it.key());
    }
    QList<std::pair<QString, QString>> links;
    for (const GraphEdge& edge : graph.edges)
        links.append({edge.source, edge.target});
    const IndexedGraph indexed(ids, links, graph);
    QList<QPointF> positions(ids.size());
    QList<bool> placed(ids.size(), false);
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const auto it = m_positions.constFind(ids.at(i));
        if (it != m_positions.cend()) {
            positions[i] = *it;
            placed[i] = true;
        }
    }
    LayeredLayout::placeNew(positions, placed, indexed.links);
    positions.resize(present);
    return positions;
}

bool MeshGraphModel::placeNewNodes(const MeshGraph& graph)
{
    const bool anyNew = std::any_of(graph.nodes.cbegin(), graph.nodes.cend(),
                                    [&](const GraphNode& node) { return !m_positions.contains(node.id); });
    if (!anyNew)
        return false;

    QStringList ids;
    ids.reserve(graph.nodes.size());
    for (const GraphNode& node : graph.nodes)
        ids.append(node.id);
    if (m_positions.isEmpty()) {
        // The first layout, small enough for the GUI thread. Sorted, so the same graph gives the same picture.
        std::sort(ids.begin(), ids.end());
        const IndexedGraph indexed(ids, m_layoutLinks.values(), graph);
        const QList<QPointF> positions = LayeredLayout::compute(int(ids.size()), indexed.links, m_aspectRatio);
        for (qsizetype i = 0; i < ids.size(); ++i)
            m_positions.insert(ids.at(i), positions.at(i));
        return true;
    }

    const QList<QPointF> positions = withNewNodesPlaced(graph);
    for (qsizetype i = 0; i < positions.size(); ++i)
        m_positions.insert(ids.at(i), positions.at(i));
    return true;
}

void MeshGraphModel::startLayout(const MeshGraph& graph)
{
    QStringList ids;
    ids.reserve(graph.nodes.size());
    for (const GraphNode& node : graph.nodes)
        ids.append(node.id);
    std::sort(ids.begin(), ids.end());
    // Indexing is done here, on the GUI thread, so the worker touches nothing shared; what it gets is
    // copied into the task.
    auto indexed = std::make_shared<const IndexedGraph>(std::move(ids), m_layoutLinks.values(), graph);
    m_layoutRunning = true;
    m_runningLayoutGeneration = ++m_layoutGeneration;
    m_layoutWatcher.setFuture(QtConcurrent::run([indexed, aspectRatio = m_aspectRatio] {
        const QList<QPointF> positions = LayeredLayout::compute(int(indexed->ids.size()), indexed->links, aspectRatio);
        QHash<QString, QPointF> byId;
        byId.reserve(positions.size());
        for (qsizetype i = 0; i < positions.size(); ++i)
            byId.insert(indexed->ids.at(i), positions.at(i));
        return byId;
    }));
}

void MeshGraphModel::onLayoutDone()
{
    QHash<QString, QPointF> positions = m_layoutWatcher.future().takeResult();
    if (m_runningLayoutGeneration != m_layoutGeneration)
        return; // reset since: a newer layout runs or will
    m_layoutRunning = false;
    m_positions = std::move(positions);
    if (m_pending) {
        MeshGraph latest = std::move(*m_pending);
        m_pending.reset();
        publish(std::move(latest), true);
    }
}

// SPDX-License-Identifier: Apache-2.0
#include "MeshGraphModel.h"

#include "LayeredLayout.h"
#include "MeshGraphBuilder.h"

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
    default:
        return {};
    }
}

MeshGraphModel::MeshGraphModel(QObject* parent)
    : QObject(parent)
{
}

bool MeshGraphModel::hasTraffic() const
{
    return !m_edges.rows().isEmpty();
}

void MeshGraphModel::setGraph(MeshGraph graph)
{
    QSet<QString> nodeIds;
    for (const GraphNode& node : graph.nodes) {
        nodeIds.insert(node.id);
        if (node.kind == GraphNodeKind::Workload && !node.service.isEmpty())
            m_layoutLinks.insert(MeshGraphBuilder::serviceId(node.service) + u'\n' + node.id);
    }
    bool structureChanged = nodeIds != m_layoutNodes;
    for (const GraphEdge& edge : graph.edges) {
        const QString link = edge.source + u'\n' + edge.target;
        if (!m_layoutLinks.contains(link)) {
            m_layoutLinks.insert(link);
            structureChanged = true;
        }
    }

    if (structureChanged) {
        m_layoutNodes = nodeIds;
        QList<LayeredLayout::Link> links;
        for (const QString& link : std::as_const(m_layoutLinks)) {
            const qsizetype split = link.indexOf(u'\n');
            links.append({link.left(split), link.mid(split + 1)});
        }
        m_positions = LayeredLayout::compute(QStringList(nodeIds.cbegin(), nodeIds.cend()), links);
    }
    for (GraphNode& node : graph.nodes)
        node.position = m_positions.value(node.id);

    m_nodes.setRows(graph.nodes);
    m_edges.setRows(graph.edges);
    if (structureChanged)
        Q_EMIT layoutChanged();
}

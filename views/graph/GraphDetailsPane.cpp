// SPDX-License-Identifier: Apache-2.0
#include "GraphDetailsPane.h"

#include "models/graph/MeshGraphModel.h"
#include "models/traffic/VirtualServiceSplit.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace {

template <typename Row>
const Row* findRow(const QList<Row>& rows, const QString& id)
{
    for (const Row& row : rows) {
        if (row.id == id)
            return &row;
    }
    return nullptr;
}

QString percent(double ratio)
{
    return QStringLiteral("%1 %").arg(ratio * 100, 0, 'f', ratio > 0 && ratio < 0.1 ? 1 : 0);
}

QString milliseconds(double value)
{
    return value < 0 ? GraphDetailsPane::tr("n/a") : GraphDetailsPane::tr("%1 ms").arg(value, 0, 'f', 1);
}

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><td>%1</td><td><b>%2</b></td></tr>").arg(name.toHtmlEscaped(), value.toHtmlEscaped());
}

QString liveNumbers(const GraphNode& node)
{
    const double rate = node.requestsPerSecond;
    return row(GraphDetailsPane::tr("Requests in"), GraphDetailsPane::tr("%1/s").arg(rate, 0, 'f', 2))
        + row(GraphDetailsPane::tr("5xx"), percent(rate > 0 ? node.serverErrorsPerSecond / rate : 0))
        + row(GraphDetailsPane::tr("4xx"), percent(rate > 0 ? node.clientErrorsPerSecond / rate : 0));
}

QString nodeKindName(GraphNodeKind kind)
{
    switch (kind) {
    case GraphNodeKind::Service:
        return GraphDetailsPane::tr("Service");
    case GraphNodeKind::Workload:
        return GraphDetailsPane::tr("Workload");
    case GraphNodeKind::External:
        break;
    }
    return GraphDetailsPane::tr("Caller outside the namespaces shown");
}

} // namespace

GraphDetailsPane::GraphDetailsPane(MeshGraphModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_label(new QLabel(this))
{
    m_label->setTextFormat(Qt::RichText);
    m_label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_label);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    // A refresh changes numbers in place (dataChanged) or adds and drops rows; either way the
    // selected row is looked up again by id, so the pane never shows a stale row.
    for (QAbstractItemModel* rows : {static_cast<QAbstractItemModel*>(model->nodes()), static_cast<QAbstractItemModel*>(model->edges())}) {
        connect(rows, &QAbstractItemModel::dataChanged, this, &GraphDetailsPane::refresh);
        connect(rows, &QAbstractItemModel::rowsInserted, this, &GraphDetailsPane::refresh);
        connect(rows, &QAbstractItemModel::rowsRemoved, this, &GraphDetailsPane::refresh);
        connect(rows, &QAbstractItemModel::modelReset, this, &GraphDetailsPane::refresh);
    }
    refresh();
}

void GraphDetailsPane::setTopologies(const MeshTopologies& topologies)
{
    m_topologies = topologies;
    refresh();
}

void GraphDetailsPane::showNode(const QString& id)
{
    m_nodeId = id;
    m_edgeId.clear();
    refresh();
}

void GraphDetailsPane::showEdge(const QString& id)
{
    m_edgeId = id;
    m_nodeId.clear();
    refresh();
}

QString GraphDetailsPane::text() const
{
    return m_label->text();
}

void GraphDetailsPane::refresh()
{
    QString html;
    if (!m_nodeId.isEmpty())
        html = describeNode(m_nodeId);
    else if (!m_edgeId.isEmpty())
        html = describeEdge(m_edgeId);
    if (html.isEmpty())
        html = tr("<i>Select a node or an edge in the graph to see its routing, versions and live numbers.</i>");
    if (html != m_label->text())
        m_label->setText(html);
}

QString GraphDetailsPane::describeNode(const QString& id) const
{
    const GraphNode* node = findRow(m_model->nodes()->rows(), id);
    if (!node)
        return tr("<i>%1 is not in the graph any more.</i>").arg(id.toHtmlEscaped());
    QString html = QStringLiteral("<h3>%1 %2</h3><table>").arg(nodeKindName(node->kind), node->name.toHtmlEscaped());
    html += row(tr("Namespace"), node->namespaceName.isEmpty() ? tr("unknown") : node->namespaceName);
    if (node->kind == GraphNodeKind::Workload) {
        html += row(tr("Serves"), node->service) + row(tr("Version"), node->version)
            + row(tr("Pods ready"), tr("%1 of %2").arg(node->readyPods).arg(node->desiredPods));
    }
    if (node->missingSidecar)
        html += row(tr("Sidecar"), tr("missing on some pods: their traffic bypasses Istio"));
    html += liveNumbers(*node) + QStringLiteral("</table>");
    if (node->kind == GraphNodeKind::Service)
        html += describeVersions(node->namespaceName, node->service);
    return html;
}

QString GraphDetailsPane::describeVersions(const QString& namespaceName, const QString& service) const
{
    const MeshTopology* topology = m_topologies.find(namespaceName);
    if (!topology)
        return {};
    QString html = QStringLiteral("<table>");
    const MeshVirtualService* vs = topology->virtualServiceFor(service);
    const MeshDestinationRule* dr = topology->destinationRuleFor(service);
    html += row(tr("VirtualService"), vs ? vs->name : tr("none"));
    html += row(tr("DestinationRule"), dr ? dr->name : tr("none"));
    html += QStringLiteral("</table>");

    // Shares as the cluster's VirtualService states them, beside each version's pods; a version no
    // subset selects gets no share (traffic reaches it only without a VirtualService).
    const VirtualServiceSplit split = vs && vs->raw ? VirtualServiceSplit::read(*vs->raw, *topology, service) : VirtualServiceSplit();
    const int total = split.isValid() ? split.totalWeight() : 0;
    QHash<QString, QString> subsetOfVersion;
    if (dr) {
        for (const MeshSubset& subset : dr->subsets)
            subsetOfVersion.insert(subset.labels.value(QStringLiteral("version")), subset.name);
    }
    html += QStringLiteral("<table><tr><th align=left>%1</th><th align=left>%2</th><th align=left>%3</th></tr>")
                .arg(tr("Version"), tr("Pods ready"), tr("Share"));
    for (const MeshWorkload& workload : topology->workloadsOf(service)) {
        QString share = tr("—");
        const QString subset = subsetOfVersion.value(workload.version);
        if (total > 0 && !subset.isEmpty())
            share = percent(double(split.weightOf(subset)) / total);
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td><b>%3</b></td></tr>")
                    .arg(workload.version.isEmpty() ? workload.name.toHtmlEscaped() : workload.version.toHtmlEscaped(),
                         tr("%1 of %2").arg(workload.readyPods).arg(workload.desiredReplicas), share);
    }
    return html + QStringLiteral("</table>");
}

QString GraphDetailsPane::describeEdge(const QString& id) const
{
    const GraphEdge* edge = findRow(m_model->edges()->rows(), id);
    if (!edge)
        return tr("<i>This edge is not in the graph any more.</i>");
    const auto nameOf = [this](const QString& nodeId) {
        const GraphNode* node = findRow(m_model->nodes()->rows(), nodeId);
        return node ? node->name : nodeId;
    };
    return QStringLiteral("<h3>%1 → %2</h3><table>").arg(nameOf(edge->source).toHtmlEscaped(), nameOf(edge->target).toHtmlEscaped())
        + row(tr("Requests"), tr("%1/s").arg(edge->requestsPerSecond, 0, 'f', 2))
        + row(tr("Share of the caller's"), percent(edge->share)) + row(tr("5xx"), percent(edge->errorRatio))
        + row(tr("4xx"), percent(edge->clientErrorRatio)) + row(tr("Latency p50"), milliseconds(edge->p50Ms))
        + row(tr("Latency p95"), milliseconds(edge->p95Ms)) + row(tr("Latency p99"), milliseconds(edge->p99Ms))
        + QStringLiteral("</table>");
}

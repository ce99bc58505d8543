// SPDX-License-Identifier: Apache-2.0
#include "GraphDocument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QHash>
#include <QJsonObject>

namespace {

QString kindName(GraphNodeKind kind)
{
    switch (kind) {
    case GraphNodeKind::Service:
        return QStringLiteral("service");
    case GraphNodeKind::Workload:
        return QStringLiteral("workload");
    case GraphNodeKind::External:
        break;
    }
    return QStringLiteral("external");
}

QString graphKindName(GraphKind kind)
{
    switch (kind) {
    case GraphKind::Service:
        return QStringLiteral("service");
    case GraphKind::Workload:
        return QStringLiteral("workload");
    case GraphKind::VersionedApp:
        break;
    }
    return QStringLiteral("versionedApp");
}

QJsonValue optionalMs(double ms)
{
    return ms < 0 ? QJsonValue() : QJsonValue(ms);
}

// DOT identifiers are quoted; a quote or backslash inside must be escaped.
QString quoted(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + escaped + u'"';
}

} // namespace

QByteArray GraphDocument::toJson(const MeshGraph& graph, const QStringList& namespaces, GraphKind kind,
                                 const QList<HiddenPart>& hidden)
{
    QJsonArray nodes;
    for (const GraphNode& n : graph.nodes) {
        QJsonObject badges{{QStringLiteral("virtualService"), n.hasVirtualService},
                           {QStringLiteral("trafficSplit"), n.hasTrafficSplit},
                           {QStringLiteral("headerRouting"), n.hasHeaderRouting},
                           {QStringLiteral("faultInjection"), n.hasFaultInjection},
                           {QStringLiteral("circuitBreaker"), n.hasCircuitBreaker},
                           {QStringLiteral("missingSidecar"), n.missingSidecar}};
        nodes.append(QJsonObject{{QStringLiteral("id"), n.id},
                                 {QStringLiteral("kind"), kindName(n.kind)},
                                 {QStringLiteral("name"), n.name},
                                 {QStringLiteral("namespace"), n.namespaceName},
                                 {QStringLiteral("service"), n.service},
                                 {QStringLiteral("version"), n.version},
                                 {QStringLiteral("readyPods"), n.readyPods},
                                 {QStringLiteral("desiredPods"), n.desiredPods},
                                 {QStringLiteral("requestsPerSecond"), n.requestsPerSecond},
                                 {QStringLiteral("serverErrorsPerSecond"), n.serverErrorsPerSecond},
                                 {QStringLiteral("clientErrorsPerSecond"), n.clientErrorsPerSecond},
                                 {QStringLiteral("badges"), badges}});
    }
    QJsonArray edges;
    for (const GraphEdge& e : graph.edges) {
        edges.append(QJsonObject{{QStringLiteral("id"), e.id},
                                 {QStringLiteral("source"), e.source},
                                 {QStringLiteral("target"), e.target},
                                 {QStringLiteral("requestsPerSecond"), e.requestsPerSecond},
                                 {QStringLiteral("share"), e.share},
                                 {QStringLiteral("errorRatio"), e.errorRatio},
                                 {QStringLiteral("clientErrorRatio"), e.clientErrorRatio},
                                 {QStringLiteral("p50Ms"), optionalMs(e.p50Ms)},
                                 {QStringLiteral("p95Ms"), optionalMs(e.p95Ms)},
                                 {QStringLiteral("p99Ms"), optionalMs(e.p99Ms)}});
    }
    QJsonArray hiddenParts;
    for (const HiddenPart& part : hidden) {
        hiddenParts.append(QJsonObject{{QStringLiteral("namespace"), part.namespaceName},
                                       {QStringLiteral("kind"), part.kind},
                                       {QStringLiteral("reason"), part.reason}});
    }
    const QJsonObject root{{QStringLiteral("namespaces"), QJsonArray::fromStringList(namespaces)},
                           {QStringLiteral("hidden"), hiddenParts},
                           {QStringLiteral("kind"), graphKindName(kind)},
                           {QStringLiteral("nodes"), nodes},
                           {QStringLiteral("edges"), edges}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray GraphDocument::toDot(const MeshGraph& graph)
{
    QString dot = QStringLiteral("digraph mesh {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    // Nodes grouped by namespace in the order met (outside callers too: each is in some namespace);
    // callers of unknown origin belong to none.
    QStringList namespaces;
    QHash<QString, QStringList> nodesOf;
    for (const GraphNode& n : graph.nodes) {
        const QString shape = n.kind == GraphNodeKind::Service ? QStringLiteral("ellipse")
            : n.kind == GraphNodeKind::External              ? QStringLiteral("box, style=dashed")
                                                             : QStringLiteral("box");
        if (!namespaces.contains(n.namespaceName))
            namespaces.append(n.namespaceName);
        nodesOf[n.namespaceName].append(QStringLiteral("%1 [label=%2, shape=%3];").arg(quoted(n.id), quoted(n.name), shape));
    }
    for (qsizetype i = 0; i < namespaces.size(); ++i) {
        const QString& ns = namespaces.at(i);
        const QStringList nodes = nodesOf.value(ns);
        if (ns.isEmpty()) {
            for (const QString& node : nodes)
                dot += QStringLiteral("  ") + node + u'\n';
            continue;
        }
        dot += QStringLiteral("  subgraph cluster_%1 {\n    label=%2;\n").arg(QString::number(i), quoted(ns));
        for (const QString& node : nodes)
            dot += QStringLiteral("    ") + node + u'\n';
        dot += QStringLiteral("  }\n");
    }
    for (const GraphEdge& e : graph.edges) {
        dot += QStringLiteral("  %1 -> %2 [label=%3];\n")
                   .arg(quoted(e.source), quoted(e.target),
                        quoted(QStringLiteral("%1 rps").arg(e.requestsPerSecond, 0, 'f', 1)));
    }
    dot += QStringLiteral("}\n");
    return dot.toUtf8();
}

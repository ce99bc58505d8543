// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MatchRoutes.h"
#include "VirtualServiceSplit.h"
#include "models/diff/ObjectDiff.h"

#include "models/mesh/MeshTopology.h"

#include <QAbstractListModel>
#include <QMap>
#include <QSet>

#include <functional>

// The weighted split of the selected service, one row per subset (its DestinationRule's subsets,
// plus any destination the route names that the rule lacks), as the cluster last reported it.
class TrafficSplitModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        SubsetRole = Qt::UserRole + 1,
        WeightRole,
        ShareRole,     // percent of the service's traffic, 0..100
        ReadyPodsRole, // ready pods the subset selects
        WorkloadsRole, // the workloads whose pods the subset selects, with ready/desired pods
    };

    explicit TrafficSplitModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setService(const QString& service);
    void setTopology(const MeshTopology& topology);

    QString service() const { return m_service; }
    QString namespaceName() const { return m_namespace; }
    // Why the service cannot be split right now (no VirtualService, no default route...); empty when it can.
    QString problem() const { return m_problem; }
    // What does not block a change but the operator should know (see MatchRoutes::warnings).
    QStringList warnings() const;
    // What carries the split: a VirtualService (with a DestinationRule's subsets), or a Gateway API
    // HTTPRoute attached to the Service (its backendRefs, named after backend Services).
    enum class RouteKind { VirtualService, HTTPRoute };
    RouteKind routeKind() const { return m_routeKind; }
    QString routeKindName() const;
    QString routeObjectName() const { return m_routeObjectName; }
    QString resourceVersion() const { return m_resourceVersion; }
    // The VirtualService or HTTPRoute as last read from the cluster.
    RawObject routeObject() const { return m_routeObject; }
    QMap<QString, int> weights() const;

    // The weights after the operator sets `subset` to `percent`: locked subsets keep theirs, the
    // other subsets share the rest in proportion to their current weights (evenly when they have
    // none), and `percent` is capped at what the locks leave. The result sums to 100.
    static QMap<QString, int> rebalanced(const QMap<QString, int>& current, const QString& subset, int percent,
                                         const QSet<QString>& locked = {});
    // Percentages as weights on the scale the VirtualService already uses when that is finer than
    // 100 (say 1000 or 10000, by some other tool); percentages as they are otherwise.
    QMap<QString, int> onCurrentScale(const QMap<QString, int>& percentages) const;
    // Every unlocked subset gets an equal share of what the locked ones leave.
    static QMap<QString, int> evenly(const QMap<QString, int>& current, const QSet<QString>& locked = {});

    // Why these weights must not be sent, in words that say what to fix (all zero, a subset that
    // selects no ready pod, a subset the DestinationRule does not define); empty when they may.
    QString problemWith(const QMap<QString, int>& weights) const;
    // How many percent of the service's traffic going from one split to the other moves.
    static int movedPercent(const QMap<QString, int>& from, const QMap<QString, int>& to);
    // The VirtualService and DestinationRule the service lacks for a split (see RoutingObjects),
    // empty with `problem` set when there is nothing to create or it cannot be made.
    QList<RawObject> missingRoutingObjects(QString* problem = nullptr) const;
    // Those objects as the operator reviews them before creating: all lines added.
    QList<DiffLine> missingRoutingPreview() const;
    // The A/B routes of the service, in the order they are tried.
    QList<MatchRoute> matchRoutes() const;
    // What an edit of the VirtualService as last read does, line by line; `problem` says why the
    // edit cannot be made.
    QList<DiffLine> previewOfEdit(const std::function<QString(nlohmann::json&)>& edit, QString* problem) const;
    // What sending these weights does to the VirtualService as last read, line by line.
    QList<DiffLine> previewOf(const QMap<QString, int>& weights) const;
    // The subset carrying the most traffic now (the "live" one for blue/green, the stable one for canaries).
    QString liveSubset() const;

Q_SIGNALS:
    void splitChanged();

private:
    struct Row {
        QString subset;
        int weight = 0;
        int readyPods = 0;
        QString workloads;
        bool operator==(const Row&) const = default;
    };
    void rebuild();

    MeshTopology m_topology;
    QString m_service;
    QString m_namespace;
    QString m_problem;
    RouteKind m_routeKind = RouteKind::VirtualService;
    QString m_routeObjectName;
    QString m_resourceVersion;
    RawObject m_routeObject;
    VirtualServiceSplit m_split;
    QList<Row> m_rows;
};

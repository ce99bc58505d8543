// SPDX-License-Identifier: Apache-2.0
#include "TrafficSplitModel.h"

#include "RoutingObjects.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

TrafficSplitModel::TrafficSplitModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int TrafficSplitModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TrafficSplitModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const int total = m_split.totalWeight();
    switch (role) {
    case Qt::DisplayRole:
    case SubsetRole:
        return row.subset;
    case WeightRole:
        return row.weight;
    case ShareRole:
        return total > 0 ? 100.0 * row.weight / total : 0.0;
    case ReadyPodsRole:
        return row.readyPods;
    case WorkloadsRole:
        return row.workloads;
    default:
        return {};
    }
}

QHash<int, QByteArray> TrafficSplitModel::roleNames() const
{
    return {{SubsetRole, "subset"}, {WeightRole, "weight"}, {ShareRole, "share"}, {ReadyPodsRole, "readyPods"}, {WorkloadsRole, "workloads"}};
}

void TrafficSplitModel::setService(const QString& service)
{
    if (service == m_service)
        return;
    beginResetModel();
    m_service = service;
    m_rows.clear();
    endResetModel();
    rebuild();
}

void TrafficSplitModel::setTopology(const MeshTopology& topology)
{
    m_topology = topology;
    rebuild();
}

QMap<QString, int> TrafficSplitModel::weights() const
{
    QMap<QString, int> result;
    for (const Row& row : m_rows)
        result.insert(row.subset, row.weight);
    return result;
}

void TrafficSplitModel::rebuild()
{
    m_namespace = m_topology.namespaceName;
    m_split = {};
    m_routeObjectName.clear();
    m_resourceVersion.clear();
    m_routeObject.reset();
    QList<Row> rows;

    const MeshDestinationRule* rule = m_topology.destinationRuleFor(m_service);
    const MeshVirtualService* vs = m_topology.virtualServiceFor(m_service);
    const MeshHttpRoute* httpRoute = vs ? nullptr : m_topology.httpRouteFor(m_service);
    m_routeKind = httpRoute ? RouteKind::HTTPRoute : RouteKind::VirtualService;
    if (m_service.isEmpty())
        m_problem = tr("Select a service in the graph.");
    else if (!m_topology.service(m_service))
        m_problem = tr("Service %1 is not in namespace %2.").arg(m_service, m_namespace);
    else if (httpRoute) {
        m_split = VirtualServiceSplit::readHttpRoute(*httpRoute->raw);
        m_problem = m_split.isValid() ? QString() : tr("HTTPRoute %1 has no rule with backends.").arg(httpRoute->name);
    } else if (!vs)
        m_problem = tr("%1 has no VirtualService, so its traffic is not split by version.").arg(m_service);
    else if (!rule)
        m_problem = tr("%1 has no DestinationRule defining version subsets.").arg(m_service);
    else {
        m_split = VirtualServiceSplit::read(*vs->raw, m_topology, m_service);
        m_problem = m_split.isValid()
            ? QString()
            : tr("VirtualService %1 has no default HTTP route (one without match conditions).").arg(vs->name);
    }

    if (m_problem.isEmpty() && httpRoute) {
        m_routeObjectName = httpRoute->name;
        m_resourceVersion = httpRoute->resourceVersion;
        m_routeObject = httpRoute->raw;
        // Each backend is a Service: its pods are the ones its selector picks.
        for (const SplitDestination& d : m_split.destinations()) {
            Row row{d.subset, d.weight, 0, {}};
            QStringList selected;
            for (const MeshWorkload& w : m_topology.workloadsOf(d.subset)) {
                row.readyPods += w.readyPods;
                selected.append(tr("%1 (%2 of %3 pods ready)").arg(w.name).arg(w.readyPods).arg(w.desiredReplicas));
            }
            row.workloads = selected.join(QStringLiteral(", "));
            rows.append(row);
        }
    } else if (m_problem.isEmpty()) {
        m_routeObjectName = vs->name;
        m_resourceVersion = vs->resourceVersion;
        m_routeObject = vs->raw;
        const QList<MeshWorkload> workloads = m_topology.workloadsOf(m_service);
        for (const MeshSubset& subset : rule->subsets) {
            Row row{subset.name, m_split.weightOf(subset.name), 0, {}};
            QStringList selected;
            for (const MeshWorkload& w : workloads) {
                if (!labelsMatch(subset.labels, w.podLabels))
                    continue;
                row.readyPods += w.readyPods;
                selected.append(tr("%1 (%2 of %3 pods ready)").arg(w.name).arg(w.readyPods).arg(w.desiredReplicas));
            }
            row.workloads = selected.join(QStringLiteral(", "));
            rows.append(row);
        }
        for (const SplitDestination& d : m_split.destinations()) {
            if (std::none_of(rows.cbegin(), rows.cend(), [&](const Row& r) { return r.subset == d.subset; }))
                rows.append({d.subset, d.weight, 0, {}});
        }
    }

    const bool sameSubsets = rows.size() == m_rows.size()
        && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                      [](const Row& a, const Row& b) { return a.subset == b.subset; });
    if (sameSubsets) {
        // A refresh of the same subsets updates values in place; views keep their widgets.
        for (int i = 0; i < rows.size(); ++i) {
            if (!(rows.at(i) == m_rows.at(i))) {
                m_rows[i] = rows.at(i);
                Q_EMIT dataChanged(index(i), index(i));
            }
        }
        // Shares depend on the total, so every row's share may have moved.
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {ShareRole});
    } else {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }
    Q_EMIT splitChanged();
}

namespace {

// Shares `total` among `keys` in proportion to `weights` (equally when they are all 0), rounding
// with the largest remainder so the parts add up to exactly `total`.
QMap<QString, int> share(int total, const QStringList& keys, const QMap<QString, int>& weights)
{
    QMap<QString, int> result;
    if (keys.isEmpty())
        return result;
    int sum = 0;
    for (const QString& k : keys)
        sum += std::max(0, weights.value(k));
    struct Part {
        QString key;
        int whole;
        double remainder;
    };
    QList<Part> parts;
    int assigned = 0;
    for (const QString& k : keys) {
        const double exact = sum > 0 ? double(total) * std::max(0, weights.value(k)) / sum : double(total) / keys.size();
        const int whole = int(std::floor(exact));
        parts.append({k, whole, exact - whole});
        assigned += whole;
    }
    std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.remainder > b.remainder; });
    for (int i = 0; assigned < total; ++i, ++assigned)
        ++parts[i % parts.size()].whole;
    for (const Part& p : parts)
        result.insert(p.key, p.whole);
    return result;
}

int lockedTotal(const QMap<QString, int>& current, const QSet<QString>& locked, const QString& except = {})
{
    int total = 0;
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        if (locked.contains(it.key()) && it.key() != except)
            total += std::max(0, it.value());
    }
    return total;
}

} // namespace

QMap<QString, int> TrafficSplitModel::rebalanced(const QMap<QString, int>& current, const QString& subset, int percent,
                                                 const QSet<QString>& locked)
{
    const int kept = lockedTotal(current, locked, subset);
    QStringList others;
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        if (it.key() != subset && !locked.contains(it.key()))
            others.append(it.key());
    }
    // With nobody to take the rest, the moved subset takes it (a lone destination carries everything).
    percent = others.isEmpty() ? 100 - kept : std::clamp(percent, 0, 100 - kept);
    QMap<QString, int> result = share(100 - kept - percent, others, current);
    result.insert(subset, percent);
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        if (locked.contains(it.key()) && it.key() != subset)
            result.insert(it.key(), it.value());
    }
    return result;
}

QMap<QString, int> TrafficSplitModel::evenly(const QMap<QString, int>& current, const QSet<QString>& locked)
{
    QStringList unlocked;
    QMap<QString, int> result;
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        if (locked.contains(it.key()))
            result.insert(it.key(), it.value());
        else
            unlocked.append(it.key());
    }
    const QMap<QString, int> equal = share(100 - lockedTotal(current, locked), unlocked, {});
    for (auto it = equal.cbegin(); it != equal.cend(); ++it)
        result.insert(it.key(), it.value());
    return result;
}

QString TrafficSplitModel::problemWith(const QMap<QString, int>& weights) const
{
    int total = 0;
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        if (it.value() < 0)
            return tr("weight %1 < 0 for %2: weights must not be negative").arg(it.value()).arg(it.key());
        total += it.value();
    }
    if (total == 0)
        return tr("all weights are 0: with several destinations Istio would reject the route");
    const MeshDestinationRule* rule = m_topology.destinationRuleFor(m_service);
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        if (it.value() <= 0)
            continue;
        if (m_routeKind == RouteKind::HTTPRoute && !m_topology.service(it.key()))
            return tr("backend Service %1 does not exist: create it before sending traffic to it").arg(it.key());
        const bool defined = m_routeKind == RouteKind::HTTPRoute
            || (rule && std::any_of(rule->subsets.cbegin(), rule->subsets.cend(), [&](const MeshSubset& s) { return s.name == it.key(); }));
        if (!defined) {
            return tr("subset %1 is not defined in a DestinationRule for %2: define it before sending traffic to it")
                .arg(it.key(), m_service);
        }
        const auto row = std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const Row& r) { return r.subset == it.key(); });
        if (row != m_rows.cend() && row->readyPods == 0) {
            return tr("subset %1 selects no ready pod: its share would fail with 503 (no healthy upstream). "
                      "Scale it up or send it 0 %.")
                .arg(it.key());
        }
    }
    return {};
}

int TrafficSplitModel::movedPercent(const QMap<QString, int>& from, const QMap<QString, int>& to)
{
    const auto total = [](const QMap<QString, int>& weights) {
        int sum = 0;
        for (int w : weights)
            sum += std::max(0, w);
        return sum;
    };
    const int oldTotal = total(from);
    const int newTotal = total(to);
    if (newTotal == 0 || oldTotal == 0)
        return 0;
    QSet<QString> subsets;
    for (auto it = from.cbegin(); it != from.cend(); ++it)
        subsets.insert(it.key());
    for (auto it = to.cbegin(); it != to.cend(); ++it)
        subsets.insert(it.key());
    double moved = 0;
    for (const QString& subset : subsets) {
        const double before = 100.0 * std::max(0, from.value(subset)) / oldTotal;
        const double after = 100.0 * std::max(0, to.value(subset)) / newTotal;
        moved += std::max(0.0, after - before);
    }
    return qRound(moved);
}

QList<RawObject> TrafficSplitModel::missingRoutingObjects(QString* problem) const
{
    QString why;
    QList<RawObject> result;
    if (!m_service.isEmpty() && m_routeKind == RouteKind::VirtualService) { // an HTTPRoute needs neither
        for (nlohmann::json& object : RoutingObjects::missingFor(m_topology, m_service, &why))
            result.append(std::make_shared<const nlohmann::json>(std::move(object)));
    }
    if (problem)
        *problem = result.isEmpty() && why.isEmpty() ? tr("nothing to create") : why;
    return result;
}

QList<DiffLine> TrafficSplitModel::missingRoutingPreview() const
{
    QList<DiffLine> lines;
    for (const RawObject& object : missingRoutingObjects()) {
        if (!lines.isEmpty())
            lines.append({DiffLine::Kind::Added, QStringLiteral("---")});
        lines.append(ObjectDiff::compare(nullptr, *object));
    }
    return lines;
}

QMap<QString, int> TrafficSplitModel::onCurrentScale(const QMap<QString, int>& percentages) const
{
    const int scale = m_split.totalWeight();
    if (scale <= 100)
        return percentages;
    // Largest remainder, so the weights add up to the scale exactly.
    QMap<QString, int> weights;
    std::vector<std::pair<double, QString>> remainders;
    int given = 0;
    int total = 0;
    for (int p : percentages)
        total += std::max(0, p);
    if (total == 0)
        return percentages;
    for (auto it = percentages.cbegin(); it != percentages.cend(); ++it) {
        const double exact = double(std::max(0, it.value())) * scale / total;
        weights.insert(it.key(), int(std::floor(exact)));
        given += int(std::floor(exact));
        remainders.emplace_back(exact - std::floor(exact), it.key());
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; given < scale && i < remainders.size(); ++i, ++given)
        weights[remainders[i].second] += 1;
    return weights;
}

QString TrafficSplitModel::routeKindName() const
{
    return m_routeKind == RouteKind::HTTPRoute ? QStringLiteral("HTTPRoute") : QStringLiteral("VirtualService");
}

QStringList TrafficSplitModel::warnings() const
{
    return m_routeObject && m_routeKind == RouteKind::VirtualService ? MatchRoutes::warnings(*m_routeObject) : QStringList();
}

QList<MatchRoute> TrafficSplitModel::matchRoutes() const
{
    return m_routeObject && m_routeKind == RouteKind::VirtualService ? MatchRoutes::read(*m_routeObject, m_topology, m_service)
                                                                     : QList<MatchRoute>();
}

QList<DiffLine> TrafficSplitModel::previewOfEdit(const std::function<QString(nlohmann::json&)>& edit, QString* problem) const
{
    if (!m_routeObject) {
        *problem = tr("%1 has no VirtualService").arg(m_service);
        return {};
    }
    nlohmann::json edited = *m_routeObject;
    *problem = edit(edited);
    return problem->isEmpty() ? ObjectDiff::compare(*m_routeObject, edited) : QList<DiffLine>();
}

QList<DiffLine> TrafficSplitModel::previewOf(const QMap<QString, int>& weights) const
{
    if (!m_routeObject)
        return {};
    // The same edit TrafficSplitWriter makes, on the object as last read: what the server is sent.
    nlohmann::json edited = *m_routeObject;
    if (m_routeKind == RouteKind::HTTPRoute)
        VirtualServiceSplit::applyHttpRouteWeights(edited, onCurrentScale(weights));
    else
        VirtualServiceSplit::applyWeights(edited, m_topology, m_service, onCurrentScale(weights));
    return ObjectDiff::compare(*m_routeObject, edited);
}

QString TrafficSplitModel::liveSubset() const
{
    QString live;
    int highest = -1;
    for (const Row& r : m_rows) {
        if (r.weight > highest) {
            highest = r.weight;
            live = r.subset;
        }
    }
    return live;
}

// SPDX-License-Identifier: Apache-2.0
#include "TrafficSplitModel.h"

#include <algorithm>
#include <cmath>

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
    default:
        return {};
    }
}

QHash<int, QByteArray> TrafficSplitModel::roleNames() const
{
    return {{SubsetRole, "subset"}, {WeightRole, "weight"}, {ShareRole, "share"}, {ReadyPodsRole, "readyPods"}};
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
    m_virtualService.clear();
    m_resourceVersion.clear();
    m_virtualServiceObject.reset();
    QList<Row> rows;

    const MeshDestinationRule* rule = m_topology.destinationRuleFor(m_service);
    const MeshVirtualService* vs = m_topology.virtualServiceFor(m_service);
    if (m_service.isEmpty())
        m_problem = tr("Select a service in the graph.");
    else if (!m_topology.service(m_service))
        m_problem = tr("Service %1 is not in namespace %2.").arg(m_service, m_namespace);
    else if (!vs)
        m_problem = tr("%1 has no VirtualService, so its traffic is not split by version.").arg(m_service);
    else if (!rule)
        m_problem = tr("%1 has no DestinationRule defining version subsets.").arg(m_service);
    else {
        m_split = VirtualServiceSplit::read(*vs->raw, m_topology, m_service);
        m_problem = m_split.isValid()
            ? QString()
            : tr("VirtualService %1 has no default HTTP route (one without match conditions).").arg(vs->name);
    }

    if (m_problem.isEmpty()) {
        m_virtualService = vs->name;
        m_resourceVersion = vs->resourceVersion;
        m_virtualServiceObject = vs->raw;
        const QList<MeshWorkload> workloads = m_topology.workloadsOf(m_service);
        auto readyPods = [&](const Labels& subsetLabels) {
            int ready = 0;
            for (const MeshWorkload& w : workloads) {
                if (labelsMatch(subsetLabels, w.podLabels))
                    ready += w.readyPods;
            }
            return ready;
        };
        for (const MeshSubset& subset : rule->subsets)
            rows.append({subset.name, m_split.weightOf(subset.name), readyPods(subset.labels)});
        for (const SplitDestination& d : m_split.destinations()) {
            if (std::none_of(rows.cbegin(), rows.cend(), [&](const Row& r) { return r.subset == d.subset; }))
                rows.append({d.subset, d.weight, 0});
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

QMap<QString, int> TrafficSplitModel::rebalanced(const QMap<QString, int>& current, const QString& subset, int percent)
{
    percent = std::clamp(percent, 0, 100);
    QMap<QString, int> result;
    result.insert(subset, percent);

    QStringList others;
    int othersTotal = 0;
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        if (it.key() != subset) {
            others.append(it.key());
            othersTotal += std::max(0, it.value());
        }
    }
    if (others.isEmpty()) {
        result[subset] = 100; // a lone destination carries everything whatever its weight
        return result;
    }

    // Largest-remainder rounding keeps the sum at exactly 100.
    const int rest = 100 - percent;
    struct Part {
        QString subset;
        int whole;
        double remainder;
    };
    QList<Part> parts;
    int assigned = 0;
    for (const QString& other : others) {
        const double exact = othersTotal > 0 ? double(rest) * std::max(0, current.value(other)) / othersTotal
                                             : double(rest) / others.size();
        const int whole = int(std::floor(exact));
        parts.append({other, whole, exact - whole});
        assigned += whole;
    }
    std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.remainder > b.remainder; });
    for (int i = 0; assigned < rest; ++i, ++assigned)
        ++parts[i % parts.size()].whole;
    for (const Part& p : parts)
        result.insert(p.subset, p.whole);
    return result;
}

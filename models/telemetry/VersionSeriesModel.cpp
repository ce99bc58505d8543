// SPDX-License-Identifier: Apache-2.0
#include "VersionSeriesModel.h"

#include <algorithm>

VersionSeriesModel::VersionSeriesModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int VersionSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant VersionSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case VersionRole:
        return row.version;
    case LatestRateRole:
        return row.points.isEmpty() ? QVariant() : QVariant(row.points.last().y());
    case PointCountRole:
        return int(row.points.size());
    default:
        return {};
    }
}

void VersionSeriesModel::addPoints(const VersionPoints& points, bool backfill)
{
    if (backfill || points.service != m_service) {
        beginResetModel();
        m_service = points.service;
        m_rows.clear();
        m_latestTime = 0;
        endResetModel();
    }

    for (auto it = points.byVersion.cbegin(); it != points.byVersion.cend(); ++it) {
        auto row = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row& r) { return r.version == it.key(); });
        if (row == m_rows.end()) {
            // Versions stay sorted so their order (and colours) do not depend on arrival order.
            const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), it.key(),
                                             [](const Row& r, const QString& v) { return r.version < v; });
            const int position = int(at - m_rows.begin());
            beginInsertRows({}, position, position);
            row = m_rows.insert(at, Row{it.key(), {}});
            endInsertRows();
        }
        row->points.append(it.value());
        if (!row->points.isEmpty())
            m_latestTime = std::max(m_latestTime, row->points.last().x());
    }

    const double oldest = m_latestTime - m_windowMs;
    for (int i = 0; i < m_rows.size(); ++i) {
        QList<QPointF>& line = m_rows[i].points;
        const auto keep = std::lower_bound(line.begin(), line.end(), oldest,
                                           [](const QPointF& p, double t) { return p.x() < t; });
        line.erase(line.begin(), keep);
        Q_EMIT dataChanged(index(i), index(i), {LatestRateRole, PointCountRole});
    }
    Q_EMIT pointsChanged();
}

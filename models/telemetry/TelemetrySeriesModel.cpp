// SPDX-License-Identifier: Apache-2.0
#include "TelemetrySeriesModel.h"

#include <algorithm>

TelemetrySeriesModel::TelemetrySeriesModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int TelemetrySeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TelemetrySeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TelemetrySeries& s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QString(s.version + u' ' + TelemetryMetrics::info(s.metric).title);
    case MetricRole:
        return int(s.metric);
    case VersionRole:
        return s.version;
    case LatestValueRole:
        return s.points.isEmpty() ? QVariant() : QVariant(s.points.last().y());
    case PointCountRole:
        return int(s.points.size());
    default:
        return {};
    }
}

int TelemetrySeriesModel::rowOf(TelemetryMetric metric, const QString& version) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).metric == metric && m_rows.at(i).version == version)
            return i;
    }
    return -1;
}

QStringList TelemetrySeriesModel::versions() const
{
    QStringList result;
    for (const TelemetrySeries& s : m_rows) {
        if (!result.contains(s.version))
            result.append(s.version);
    }
    std::sort(result.begin(), result.end());
    return result;
}

QList<QList<QPointF>> TelemetrySeriesModel::segments(const QList<QPointF>& points, double stepMs)
{
    QList<QList<QPointF>> result;
    for (const QPointF& p : points) {
        if (result.isEmpty() || p.x() - result.last().last().x() > 2 * stepMs)
            result.append(QList<QPointF>());
        result.last().append(p);
    }
    return result;
}

void TelemetrySeriesModel::addBatch(const TelemetryBatch& batch, bool backfill)
{
    // A backfill replaces everything, and the reset ends only once its points are in: views place
    // themselves on modelReset (a chart fits its time axis to the points it finds), so they must
    // never be shown the empty model in between, or the history the backfill brought stays off
    // the chart until live data catches up.
    const bool reset = backfill || batch.service != m_service;
    if (reset) {
        beginResetModel();
        m_service = batch.service;
        m_rows.clear();
        m_latestTime = 0;
    }
    m_stepSeconds = batch.stepSeconds;

    for (const TelemetrySeries& incoming : batch.series) {
        int row = rowOf(incoming.metric, incoming.version);
        if (row < 0) {
            // Rows stay ordered by metric, then version, so colours and legends never depend on
            // which answer arrived first.
            const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), incoming, [](const auto& a, const auto& b) {
                return std::pair(int(a.metric), a.version) < std::pair(int(b.metric), b.version);
            });
            row = int(at - m_rows.begin());
            if (!reset)
                beginInsertRows({}, row, row);
            m_rows.insert(row, TelemetrySeries{incoming.metric, incoming.version, {}});
            if (!reset)
                endInsertRows();
        }
        QList<QPointF>& points = m_rows[row].points;
        for (const QPointF& p : incoming.points) {
            // Prometheus may answer a point again when ranges touch; keep time strictly increasing.
            if (points.isEmpty() || p.x() > points.last().x())
                points.append(p);
        }
        if (!points.isEmpty())
            m_latestTime = std::max(m_latestTime, points.last().x());
    }

    // Old points are let go a tenth of the window at a time rather than one per refresh: each row
    // stays bounded (at most 1.1 windows of points), and the charts' oldest stretch changes only
    // every tenth of a window, so they need not redraw it every second.
    const double oldest = m_latestTime - m_windowMs;
    const double slack = m_windowMs / 10;
    for (int i = 0; i < m_rows.size(); ++i) {
        QList<QPointF>& points = m_rows[i].points;
        if (!points.isEmpty() && points.first().x() < oldest - slack) {
            const auto keep = std::lower_bound(points.begin(), points.end(), oldest,
                                               [](const QPointF& p, double t) { return p.x() < t; });
            points.erase(points.begin(), keep);
        }
        if (!reset)
            Q_EMIT dataChanged(index(i), index(i), {LatestValueRole, PointCountRole});
    }
    if (reset)
        endResetModel();
    Q_EMIT pointsChanged();
}

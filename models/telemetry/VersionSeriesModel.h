// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "VersionRateLoader.h"

#include <QAbstractListModel>

// Requests/s per version of one service over a sliding window; one row per version. The points of
// each version are bounded by the window, so memory stays flat however long it runs.
class VersionSeriesModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { VersionRole = Qt::UserRole + 1, LatestRateRole, PointCountRole };

    explicit VersionSeriesModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    void setWindowSeconds(int seconds) { m_windowMs = seconds * 1000.0; }
    QString service() const { return m_service; }
    QString version(int row) const { return m_rows.at(row).version; }
    const QList<QPointF>& points(int row) const { return m_rows.at(row).points; }
    // The time range the points cover, in milliseconds since the epoch.
    double latestTime() const { return m_latestTime; }
    double windowMs() const { return m_windowMs; }

public Q_SLOTS:
    void addPoints(const VersionPoints& points, bool backfill);

Q_SIGNALS:
    // Emitted once per update, after every row's points are in place.
    void pointsChanged();

private:
    struct Row {
        QString version;
        QList<QPointF> points;
    };

    QString m_service;
    QList<Row> m_rows;
    double m_windowMs = 300000;
    double m_latestTime = 0;
};

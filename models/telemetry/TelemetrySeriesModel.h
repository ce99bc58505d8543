// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "TelemetryMetric.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointF>

// Points of one metric for one version: x is milliseconds since the epoch.
struct TelemetrySeries {
    TelemetryMetric metric = TelemetryMetric::RequestRate;
    QString version;
    QList<QPointF> points;
};

// What one refresh brought for one service: new points per (metric, version).
struct TelemetryBatch {
    QString service;
    int stepSeconds = 1;
    QList<TelemetrySeries> series;
};

// The selected service's telemetry over a sliding window: one row per (metric, version), points in
// time order. Older points fall out as new ones arrive (a tenth of the window at a time), so each
// row is a bounded buffer and memory stays flat however long it runs.
// A hole in the timestamps (Prometheus down, or no traffic) stays a hole: views draw a gap there.
class TelemetrySeriesModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { MetricRole = Qt::UserRole + 1, VersionRole, LatestValueRole, PointCountRole };

    explicit TelemetrySeriesModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    void setWindowSeconds(int seconds) { m_windowMs = seconds * 1000.0; }
    double windowMs() const { return m_windowMs; }
    QString service() const { return m_service; }
    int stepSeconds() const { return m_stepSeconds; }
    double latestTime() const { return m_latestTime; }

    const TelemetrySeries& series(int row) const { return m_rows.at(row); }
    // The row of a metric's version, or -1.
    int rowOf(TelemetryMetric metric, const QString& version) const;
    QStringList versions() const;

    // Splits a series where consecutive points are further apart than two steps.
    static QList<QList<QPointF>> segments(const QList<QPointF>& points, double stepMs);

public Q_SLOTS:
    // `backfill` replaces everything (new service or new window) in one model reset that already
    // holds the new points when it ends; otherwise points are appended.
    void addBatch(const TelemetryBatch& batch, bool backfill);

Q_SIGNALS:
    // Once per batch, after every row is up to date.
    void pointsChanged();

private:
    QString m_service;
    QList<TelemetrySeries> m_rows;
    double m_windowMs = 300000;
    double m_latestTime = 0;
    int m_stepSeconds = 1;
};

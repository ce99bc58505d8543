// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/HttpTransport.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QTimer>

class ClusterSession;

// Points per version of one service: x is milliseconds since the epoch, y requests per second.
struct VersionPoints {
    QString service;
    QMap<QString, QList<QPointF>> byVersion;
};

// Requests/s per version of the selected service from Prometheus: a range query backfills the
// window once, then each refresh asks only for the points after the last one it has.
class VersionRateLoader : public QObject {
    Q_OBJECT
public:
    explicit VersionRateLoader(ClusterSession* session, QObject* parent = nullptr);
    ~VersionRateLoader() override;

    void setService(const QString& namespaceName, const QString& service);
    void setWindowSeconds(int seconds) { m_windowSeconds = seconds; }
    void setInterval(int milliseconds);
    int windowSeconds() const { return m_windowSeconds; }

    static QString query(const QString& namespaceName, const QString& service);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    // `backfill` is true for the first answer after a service change: it replaces what was shown.
    void pointsAvailable(const VersionPoints& points, bool backfill);
    void loadFailed(const QString& message);

private:
    void cancelPending();

    QPointer<ClusterSession> m_session;
    QString m_namespace;
    QString m_service;
    int m_windowSeconds = 300;
    int m_stepSeconds = 1;
    double m_lastTime = 0; // seconds; 0 until the backfill arrived
    QTimer m_timer;
    kube::RequestId m_pending = 0;
    quint64 m_generation = 0;
};

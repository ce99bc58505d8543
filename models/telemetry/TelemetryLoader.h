// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "TelemetryMetric.h"
#include "TelemetrySeriesModel.h"
#include "TelemetryWindow.h"

#include "kubeclient/HttpTransport.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

class ClusterSession;

// Asks Prometheus for every chart metric of the selected service: a range query per metric
// backfills the window once, then each refresh asks only for the points after the last one it has.
// All metrics of one refresh arrive together as one batch; a newer request makes older answers stale.
class TelemetryLoader : public QObject {
    Q_OBJECT
public:
    explicit TelemetryLoader(ClusterSession* session, QObject* parent = nullptr);
    ~TelemetryLoader() override;

    void setService(const QString& namespaceName, const QString& service);
    void setWindow(const TelemetryWindow& window);
    TelemetryWindow window() const { return m_window; }
    void setInterval(int milliseconds);
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void batchAvailable(const TelemetryBatch& batch, bool backfill);
    // Prometheus could not answer (unreachable, erroring); loading goes on and recovers by itself.
    void failed(const QString& reason);
    // Prometheus answered, possibly with warnings (empty when none).
    void succeeded(const QStringList& warnings);

private:
    struct Pending;
    void cancelPending();

    QPointer<ClusterSession> m_session;
    QString m_namespace;
    QString m_service;
    TelemetryWindow m_window;
    double m_lastTime = 0; // seconds; 0 until a backfill arrived
    bool m_paused = false;
    QTimer m_timer;
    std::shared_ptr<Pending> m_pending;
};

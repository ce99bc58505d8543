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

// Asks Prometheus for every chart metric of the selected service or edge: a range query per metric
// backfills the window once, then each refresh asks only for the points after the last one it has.
// The answers are turned into points on a worker thread, and all metrics of one refresh arrive
// together as one batch; a newer request (another scope or window) makes older answers stale.
// The rate window follows Prometheus' scrape interval, which the first refresh asks the session for:
// with 15 s scrapes a 10 s window would hold one sample and rate() would answer nothing.
class TelemetryLoader : public QObject {
    Q_OBJECT
public:
    explicit TelemetryLoader(ClusterSession* session, QObject* parent = nullptr);
    ~TelemetryLoader() override;

    void setService(const QString& namespaceName, const QString& service);
    void setScope(const TelemetryScope& scope);
    TelemetryScope scope() const { return m_scope; }
    void setWindow(const TelemetryWindow& window);
    TelemetryWindow window() const { return m_window; }
    // The window's minimum, or four scrape intervals of the session's Prometheus when longer.
    int rateWindowSeconds() const;
    // How often live data is asked for; 0 stops the timer.
    void setInterval(int milliseconds);
    int interval() const { return m_timer.isActive() ? m_timer.interval() : 0; }
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
    void query();
    void deliver(const std::shared_ptr<Pending>& pending);

    QPointer<ClusterSession> m_session;
    TelemetryScope m_scope;
    TelemetryWindow m_window;
    double m_lastTime = 0; // seconds; 0 until a backfill arrived
    int m_rateWindowSeconds = 0; // of the points held; another window asks for the history again
    bool m_learningInterval = false;
    bool m_paused = false;
    QTimer m_timer;
    std::shared_ptr<Pending> m_pending;
};

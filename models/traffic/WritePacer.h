// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

// Paces writes of something that may change continuously (a slider dragged with "apply while
// dragging" on): one write at a time, at most MaxPerSecond of them, and the last one always made.
// A write submitted while another is on its way, or too soon after it, replaces any write still
// waiting; only the latest goes next.
class WritePacer : public QObject {
    Q_OBJECT
public:
    using Write = std::function<void()>;
    static constexpr int MaxPerSecond = 4;

    explicit WritePacer(QObject* parent = nullptr);

    void submit(Write write);
    // The write started last has finished, successfully or not: the next may start.
    void writeFinished();
    // Forgets a write not started yet.
    void dropPending();
    bool isIdle() const { return !m_inFlight && !m_pending; }

private:
    void startIfAllowed();

    Write m_pending;
    bool m_inFlight = false;
    QElapsedTimer m_sinceLastStart;
    QTimer m_wait;
};

// SPDX-License-Identifier: Apache-2.0
#include "WritePacer.h"

namespace {
constexpr qint64 IntervalMs = 1000 / WritePacer::MaxPerSecond;
} // namespace

WritePacer::WritePacer(QObject* parent)
    : QObject(parent)
{
    m_wait.setSingleShot(true);
    connect(&m_wait, &QTimer::timeout, this, &WritePacer::startIfAllowed);
}

void WritePacer::submit(Write write)
{
    m_pending = std::move(write);
    startIfAllowed();
}

void WritePacer::writeFinished()
{
    m_inFlight = false;
    startIfAllowed();
}

void WritePacer::dropPending()
{
    m_pending = nullptr;
    m_wait.stop();
}

void WritePacer::startIfAllowed()
{
    if (m_inFlight || !m_pending)
        return;
    // Spacing counts from the start of the previous write, so a slow server adds no extra wait.
    const qint64 elapsed = m_sinceLastStart.isValid() ? m_sinceLastStart.elapsed() : IntervalMs;
    if (elapsed < IntervalMs) {
        if (!m_wait.isActive())
            m_wait.start(int(IntervalMs - elapsed));
        return;
    }
    Write write = std::move(m_pending);
    m_pending = nullptr;
    m_inFlight = true;
    m_sinceLastStart.start();
    write();
}

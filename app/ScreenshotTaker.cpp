// SPDX-License-Identifier: Apache-2.0
#include "ScreenshotTaker.h"

#include "views/pages/MeshPage.h"

#include <QCoreApplication>
#include <QPixmap>
#include <QWidget>

namespace {
constexpr int TickMs = 500;
constexpr int GiveUpTicks = 240; // two minutes more than the live data asked for
} // namespace

ScreenshotTaker::ScreenshotTaker(QWidget* target, MeshPage* page, QString file, int liveSeconds, QObject* parent)
    : QObject(parent)
    , m_target(target)
    , m_page(page)
    , m_file(std::move(file))
    , m_settleTicks(liveSeconds * 1000 / TickMs)
{
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotTaker::check);
    m_poll.start(TickMs);
}

void ScreenshotTaker::check()
{
    ++m_waitedTicks;
    if (m_page->showsLiveData())
        ++m_liveTicks;
    if (m_liveTicks >= m_settleTicks) {
        m_poll.stop();
        const bool saved = m_target->grab().save(m_file, "PNG");
        if (!saved)
            qCritical("meshdeck: could not write screenshot %s", qPrintable(m_file));
        QCoreApplication::exit(saved ? 0 : 1);
    } else if (m_waitedTicks >= m_settleTicks + GiveUpTicks) {
        m_poll.stop();
        qCritical("meshdeck: live data for only %d of %d s; no screenshot written", m_liveTicks * TickMs / 1000,
                  m_waitedTicks * TickMs / 1000);
        QCoreApplication::exit(3);
    }
}

// SPDX-License-Identifier: Apache-2.0
#include "ScreenshotTaker.h"

#include "views/pages/MeshPage.h"

#include <QCoreApplication>
#include <QPixmap>
#include <QWidget>

namespace {
constexpr int TickMs = 500;
constexpr int SettleTicks = 40;  // 20 s of live data, so the chart's lines have some length
constexpr int GiveUpTicks = 240; // two minutes
} // namespace

ScreenshotTaker::ScreenshotTaker(QWidget* window, MeshPage* page, QString file, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_page(page)
    , m_file(std::move(file))
{
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotTaker::check);
    m_poll.start(TickMs);
}

void ScreenshotTaker::check()
{
    ++m_waitedTicks;
    if (m_page->showsLiveData())
        ++m_liveTicks;
    if (m_liveTicks >= SettleTicks) {
        m_poll.stop();
        const bool saved = m_window->grab().save(m_file, "PNG");
        if (!saved)
            qCritical("meshdeck: could not write screenshot %s", qPrintable(m_file));
        QCoreApplication::exit(saved ? 0 : 1);
    } else if (m_waitedTicks >= GiveUpTicks) {
        m_poll.stop();
        qCritical("meshdeck: no live data after %d s; no screenshot written", GiveUpTicks * TickMs / 1000);
        QCoreApplication::exit(3);
    }
}

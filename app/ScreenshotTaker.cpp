// SPDX-License-Identifier: Apache-2.0
#include "ScreenshotTaker.h"

#include "models/graph/MeshGraphModel.h"
#include "views/graph/GraphPanel.h"
#include "views/pages/MeshPage.h"
#include "views/telemetry/TelemetryPanel.h"

#include <QCoreApplication>
#include <QPixmap>
#include <QWidget>

namespace {
constexpr int TickMs = 500;
constexpr qint64 GiveUpMs = 120000; // two minutes more than the live data asked for
} // namespace

ScreenshotTaker::ScreenshotTaker(QWidget* window, MeshPage* page, const QString& of, QString file, int liveSeconds,
                                 QObject* parent)
    : QObject(parent)
    , m_target(window)
    , m_page(page)
    , m_file(std::move(file))
    , m_liveMs(qint64(liveSeconds) * 1000)
{
    if (of == u"telemetry") {
        m_target = page->telemetryPanel();
    } else if (of == u"graph") {
        m_target = page->graphPanel();
        m_graphOnly = page->findChild<MeshGraphModel*>(); // the page's graph
    }
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotTaker::check);
    m_poll.start(TickMs);
    m_waited.start();
}

bool ScreenshotTaker::showsLiveData() const
{
    return m_graphOnly ? m_graphOnly->hasTraffic() : m_page->showsLiveData();
}

void ScreenshotTaker::check()
{
    if (!m_live.isValid() && showsLiveData())
        m_live.start();
    if (m_live.isValid() && m_live.elapsed() >= m_liveMs) {
        m_poll.stop();
        const bool saved = m_target->grab().save(m_file, "PNG");
        if (!saved)
            qCritical("meshdeck: could not write screenshot %s", qPrintable(m_file));
        QCoreApplication::exit(saved ? 0 : 1);
    } else if (m_waited.elapsed() >= m_liveMs + GiveUpMs) {
        m_poll.stop();
        qCritical("meshdeck: live data for only %lld of %lld s; no screenshot written",
                  m_live.isValid() ? m_live.elapsed() / 1000 : 0LL, m_waited.elapsed() / 1000);
        QCoreApplication::exit(3);
    }
}

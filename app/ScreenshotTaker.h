// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class MeshPage;
class QWidget;

// For --screenshot: waits until the page shows live data, lets it show live data for a while (so
// the charts' lines have some length, and a change made meanwhile is marked on them), writes the
// window, or one part of it, to a PNG and quits. Gives up with a non-zero exit when live data
// never comes.
class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    // `target`: what is pictured (the window or a part of it); `liveSeconds`: how long the page
    // must have shown live data first.
    ScreenshotTaker(QWidget* target, MeshPage* page, QString file, int liveSeconds, QObject* parent = nullptr);

private:
    void check();

    QWidget* m_target;
    MeshPage* m_page;
    QString m_file;
    int m_settleTicks;
    QTimer m_poll;
    int m_liveTicks = 0;
    int m_waitedTicks = 0;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class MeshPage;
class QWidget;

// For --screenshot: waits until the page shows live data, lets a couple of refreshes paint, writes
// the window to a PNG and quits. Gives up with a non-zero exit when live data never comes.
class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    ScreenshotTaker(QWidget* window, MeshPage* page, QString file, QObject* parent = nullptr);

private:
    void check();

    QWidget* m_window;
    MeshPage* m_page;
    QString m_file;
    QTimer m_poll;
    int m_liveTicks = 0;
    int m_waitedTicks = 0;
};

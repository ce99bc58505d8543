// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

class MeshGraphModel;
class MeshPage;
class QWidget;

// For --screenshot: waits until what is pictured shows live data, lets it show live data for a
// while (so the charts' lines have some length, and a change made meanwhile is marked on them),
// writes the window, or one part of it, to a PNG and quits. Gives up with a non-zero exit when live
// data never comes.
class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    // `of`: "window" (the graph must have traffic and the charts points), "telemetry" (the charts,
    // likewise) or "graph" (the graph panel alone, once it has traffic: a large mesh's picture, whose
    // charts need not be in it); `liveSeconds`: how long live data must have shown first.
    ScreenshotTaker(QWidget* window, MeshPage* page, const QString& of, QString file, int liveSeconds,
                    QObject* parent = nullptr);

private:
    void check();
    bool showsLiveData() const;

    QWidget* m_target;
    MeshPage* m_page;
    const MeshGraphModel* m_graphOnly = nullptr; // set for "graph": only its traffic is waited for
    QString m_file;
    qint64 m_liveMs;
    QTimer m_poll;
    // Wall time, not ticks: on a large mesh the GUI thread may be busy for seconds, and the poll's
    // ticks then come late.
    QElapsedTimer m_waited;
    QElapsedTimer m_live; // since live data first showed
};

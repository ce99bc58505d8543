// SPDX-License-Identifier: Apache-2.0
#include "FirstPaintReporter.h"

#include <QCoreApplication>
#include <QEvent>

#include <cstdio>

FirstPaintReporter::FirstPaintReporter(QObject* parent)
    : QObject(parent)
{
}

void FirstPaintReporter::installIfWanted()
{
    if (qEnvironmentVariableIsEmpty(EnvironmentVariable))
        return;
    QCoreApplication* app = QCoreApplication::instance();
    app->installEventFilter(new FirstPaintReporter(app));
}

bool FirstPaintReporter::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Paint && watched->isWidgetType()) {
        // Not qInfo(): a message handler or QT_LOGGING_RULES must not be able to delay or hide it.
        std::fprintf(stderr, "%s\n", Line);
        std::fflush(stderr);
        QCoreApplication::instance()->removeEventFilter(this);
        deleteLater();
    }
    return false;
}

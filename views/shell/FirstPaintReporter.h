// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

// Prints "meshdeck: first paint" on stderr when the first widget of the application paints, then
// stops watching: how a benchmark times the real binary's cold start from outside, the process's
// own start included. Installed only when MESHDECK_REPORT_FIRST_PAINT is set.
class FirstPaintReporter : public QObject {
    Q_OBJECT
public:
    static constexpr const char* EnvironmentVariable = "MESHDECK_REPORT_FIRST_PAINT";
    static constexpr const char* Line = "meshdeck: first paint";

    // Installs one on the application when the environment asks for it.
    static void installIfWanted();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit FirstPaintReporter(QObject* parent);
};

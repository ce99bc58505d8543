// SPDX-License-Identifier: Apache-2.0
#include "Experiment.h"

qint64 Experiment::secondsLeft(const QDateTime& now) const {
    // Rounded up, so a countdown shows 1 s until the very end rather than 0 s for a second.
    const qint64 ms = now.msecsTo(expiresAt);
    return ms <= 0 ? 0 : (ms + 999) / 1000;
}

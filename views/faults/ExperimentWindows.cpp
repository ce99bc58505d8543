// SPDX-License-Identifier: Apache-2.0
#include "ExperimentWindows.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"

#include <QHash>

namespace {
const QString StartedAction = QStringLiteral("fault started");
const QString RevertedAction = QStringLiteral("fault reverted");

QString clock(const QDateTime& time)
{
    return time.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}
} // namespace

QString ExperimentWindows::experimentId(const QString& summary)
{
    const qsizetype colon = summary.indexOf(QStringLiteral(": "));
    return colon > 0 ? summary.left(colon) : QString();
}

QList<ChartWindow> ExperimentWindows::of(const AuditLog* audit, const ExperimentRegistry* registry,
                                        const QString& namespaceName, const QString& service)
{
    QList<ChartWindow> windows;
    QHash<QString, qsizetype> byId; // experiment id -> its window
    for (int row = 0; audit && row < audit->rowCount(); ++row) {
        const AuditEntry& e = audit->entry(row);
        if (e.service != service || e.namespaceName != namespaceName || (e.action != StartedAction && e.action != RevertedAction))
            continue;
        const QString id = experimentId(e.summary);
        if (id.isEmpty())
            continue;
        const double time = double(e.time.toMSecsSinceEpoch());
        if (e.action == StartedAction) {
            byId.insert(id, windows.size());
            windows.append({time, -1, QObject::tr("%1 fault %2 by %3 (%4)").arg(clock(e.time), e.summary, e.user, e.why)});
        } else if (const auto found = byId.constFind(id); found != byId.cend() && windows[*found].endMs < 0) {
            ChartWindow& w = windows[*found];
            w.endMs = time;
            w.text += QObject::tr("; reverted %1: %2").arg(clock(e.time), e.why);
        }
    }
    for (const Experiment& running : registry ? registry->experiments() : QList<Experiment>()) {
        if (running.service != service || running.namespaceName != namespaceName)
            continue;
        if (const auto found = byId.constFind(running.id); found != byId.cend()) {
            windows[*found].endMs = 0; // still running: up to now
            windows[*found].text += QObject::tr("; running until %1").arg(clock(running.expiresAt));
            continue;
        }
        windows.append(
            {double(running.startedAt.toMSecsSinceEpoch()), 0,
             QObject::tr("%1 fault %2: %3 by %4; running until %5")
                 .arg(clock(running.startedAt), running.id, running.fault.describe(), running.owner, clock(running.expiresAt))});
    }
    // Started here but neither reverted here nor running: another process reverted it, and when is
    // not known here. Its start stays marked on the chart; no window is guessed.
    windows.removeIf([](const ChartWindow& w) { return w.endMs < 0; });
    return windows;
}

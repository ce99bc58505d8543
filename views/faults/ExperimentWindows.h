// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "views/telemetry/MetricChart.h"

#include <QList>
#include <QString>

class AuditLog;
class ExperimentRegistry;

// The fault experiments on a service (namespace and name: another namespace's service of the same
// name is another service) as windows on its charts: each from its "fault started" audit
// entry to its "fault reverted" one, and still open while the registry says it runs (an experiment
// another MeshDeck started has no audit entry here: the registry gives its start). The hover text
// says what it was, who started it and why it ended.
class ExperimentWindows {
public:
    static QList<ChartWindow> of(const AuditLog* audit, const ExperimentRegistry* registry, const QString& namespaceName,
                                 const QString& service);
    // The experiment id an audit entry's summary starts with ("ID: delay 2 s on …").
    static QString experimentId(const QString& summary);
};

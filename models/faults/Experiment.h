// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "FaultSpec.h"
#include "GuardCondition.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

// One time-boxed fault on a service, as recorded on the VirtualService it changes (see
// ExperimentAnnotation): whoever started it, any MeshDeck instance can show and revert it.
struct Experiment {
    QString id;
    QString namespaceName;
    QString virtualService;
    QString service;
    QString owner; // the cluster identity that started it
    QDateTime startedAt;
    QDateTime expiresAt;
    FaultSpec fault;
    QList<GuardCondition> guards;

    // Whole seconds until expiry, 0 once expired.
    qint64 secondsLeft(const QDateTime& now) const;
    bool isExpired(const QDateTime& now) const { return expiresAt <= now; }
    bool operator==(const Experiment&) const = default;
};

Q_DECLARE_METATYPE(Experiment)

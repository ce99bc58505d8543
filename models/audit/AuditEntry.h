// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QString>

// One change MeshDeck applied to a cluster: who, where, what, why, and the object before and after
// (raw JSON, as the API server returned it), so it can be reviewed, charted and undone.
struct AuditEntry {
    QDateTime time;
    QString user;    // who made the change, as the cluster knows them where available
    QString context; // kubeconfig context
    QString namespaceName;
    QString kind;    // e.g. "VirtualService"
    QString name;
    QString service; // the mesh service the change is about (charts mark it there)
    QString action;  // e.g. "traffic split"
    QString why;     // what the operator did, e.g. "slider: v2 to 30 %"
    QString summary; // the change in a few words, e.g. "v1 70 %, v2 30 %"
    QByteArray before;
    QByteArray after;

    QByteArray toJsonLine() const;
    // Returns false (and leaves entry untouched) for a line that is not an audit entry.
    static bool fromJsonLine(const QByteArray& line, AuditEntry& entry);
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "AuditEntry.h"

#include <QAbstractTableModel>

// Every change MeshDeck applied, appended as JSON Lines to a file in the user's data folder and
// kept in memory as a table model (newest last) for the audit page and the chart markers.
// Secrets never get here: entries hold routing objects, never credentials.
class AuditLog : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role { TimeRole = Qt::UserRole + 1, UserRole, ObjectRole, WhyRole, SummaryRole };
    enum Column { TimeColumn, UserColumn, ContextColumn, ObjectColumn, ActionColumn, SummaryColumn, WhyColumn, ColumnCount };

    // Reads what the file already holds (lines that do not parse are skipped, never fatal).
    explicit AuditLog(QString file, QObject* parent = nullptr);
    static QString defaultFile();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    const AuditEntry& entry(int row) const { return m_entries.at(row); }
    QString file() const { return m_file; }
    // Appends to the model and the file; false (with the reason) when the file cannot be written.
    bool append(const AuditEntry& entry, QString* error = nullptr);

private:
    QString m_file;
    QList<AuditEntry> m_entries;
};

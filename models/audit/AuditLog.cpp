// SPDX-License-Identifier: Apache-2.0
#include "AuditLog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

AuditLog::AuditLog(QString file, QObject* parent)
    : QAbstractTableModel(parent)
    , m_file(std::move(file))
{
    QFile in(m_file);
    if (!in.open(QIODevice::ReadOnly))
        return;
    while (!in.atEnd()) {
        AuditEntry entry;
        if (AuditEntry::fromJsonLine(in.readLine(), entry))
            m_entries.append(entry);
    }
}

QString AuditLog::defaultFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/audit.jsonl");
}

int AuditLog::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditLog::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLog::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case UserColumn:
        return tr("User");
    case ContextColumn:
        return tr("Context");
    case ObjectColumn:
        return tr("Object");
    case ActionColumn:
        return tr("Action");
    case SummaryColumn:
        return tr("Change");
    case WhyColumn:
        return tr("Why");
    default:
        return {};
    }
}

QVariant AuditLog::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry& e = m_entries.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case TimeColumn:
            return e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case UserColumn:
            return e.user;
        case ContextColumn:
            return e.context;
        case ObjectColumn:
            return QString(e.kind + u' ' + e.namespaceName + u'/' + e.name);
        case ActionColumn:
            return e.action;
        case SummaryColumn:
            return e.summary;
        case WhyColumn:
            return e.why;
        default:
            return {};
        }
    }
    switch (role) {
    case TimeRole:
        return e.time;
    case UserRole:
        return e.user;
    case ObjectRole:
        return QString(e.kind + u' ' + e.namespaceName + u'/' + e.name);
    case WhyRole:
        return e.why;
    case SummaryRole:
        return e.summary;
    default:
        return {};
    }
}

bool AuditLog::append(const AuditEntry& entry, QString* error)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(entry);
    endInsertRows();

    QDir().mkpath(QFileInfo(m_file).absolutePath());
    QFile out(m_file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Append) || out.write(entry.toJsonLine()) < 0) {
        if (error)
            *error = tr("cannot write the audit log %1: %2").arg(m_file, out.errorString());
        return false;
    }
    return true;
}

// SPDX-License-Identifier: Apache-2.0
#include "ContextCatalog.h"

#include "kubeclient/Kubeconfig.h"

#include <QFileInfo>
#include <QFont>

ContextCatalog::ContextCatalog(QObject* parent)
    : QAbstractTableModel(parent)
{
}

bool ContextCatalog::anyKubeconfigExists(const QString& explicitPath)
{
    if (!explicitPath.isEmpty())
        return true; // asked for by name: a missing file is an error to show, not a first launch
    for (const std::string& file : kube::Kubeconfig::defaultFiles()) {
        if (QFileInfo::exists(QString::fromStdString(file)))
            return true;
    }
    return false;
}

QString ContextCatalog::load(const QString& explicitPath)
{
    auto loaded = kube::Kubeconfig::loadDefault(explicitPath.toStdString());
    beginResetModel();
    m_entries.clear();
    m_files.clear();
    m_current.clear();
    QString error;
    if (auto* failure = std::get_if<kube::KubeconfigError>(&loaded)) {
        error = QString::fromStdString(failure->file.empty() ? failure->message : failure->file + ": " + failure->message);
    } else {
        const kube::Kubeconfig& config = std::get<kube::Kubeconfig>(loaded);
        for (const std::string& file : config.files())
            m_files.append(QString::fromStdString(file));
        m_current = QString::fromStdString(config.currentContext());
        for (const kube::Kubeconfig::Context& context : config.contexts()) {
            Entry entry;
            entry.name = QString::fromStdString(context.name);
            entry.cluster = QString::fromStdString(context.cluster);
            entry.user = QString::fromStdString(context.user);
            entry.namespaceName = QString::fromStdString(context.namespaceName);
            entry.source = QString::fromStdString(context.source);
            // Resolving reads certificate files and sets up exec plugins, but runs no plugin and
            // opens no connection: cheap enough for the GUI thread.
            auto resolved = config.connection(context.name);
            if (auto* connection = std::get_if<kube::ClusterConnection>(&resolved)) {
                entry.server = QString::fromStdString(connection->server);
                entry.connection = std::move(*connection);
            } else {
                entry.problem = QString::fromStdString(std::get<kube::KubeconfigError>(resolved).message);
            }
            m_entries.push_back(std::move(entry));
        }
    }
    endResetModel();
    return error;
}

QStringList ContextCatalog::contextNames() const
{
    QStringList names;
    for (const Entry& entry : m_entries)
        names.append(entry.name);
    return names;
}

int ContextCatalog::rowOf(const QString& contextName) const
{
    for (int row = 0; row < int(m_entries.size()); ++row) {
        if (m_entries[row].name == contextName)
            return row;
    }
    return -1;
}

std::optional<kube::ClusterConnection> ContextCatalog::connection(const QString& contextName, QString* error) const
{
    const int row = rowOf(contextName);
    if (row < 0) {
        if (error)
            *error = tr("no context named %1 in %2").arg(contextName, m_files.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (error)
        *error = m_entries[row].problem;
    return m_entries[row].connection;
}

void ContextCatalog::setReachability(const QString& contextName, const Reachability& result)
{
    const int row = rowOf(contextName);
    if (row < 0)
        return;
    m_entries[row].reachability = result;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

std::optional<Reachability> ContextCatalog::reachability(const QString& contextName) const
{
    const int row = rowOf(contextName);
    return row < 0 ? std::nullopt : m_entries[row].reachability;
}

int ContextCatalog::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ContextCatalog::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ContextCatalog::statusText(const Entry& entry) const
{
    if (!entry.connection)
        return tr("cannot be used: %1").arg(entry.problem);
    if (!entry.reachability)
        return tr("checking…");
    const Reachability& r = *entry.reachability;
    if (!r.reachable)
        return tr("unreachable: %1").arg(r.error);
    QString text = tr("reachable, %1 ms").arg(r.latencyMs);
    if (!r.identity.isEmpty())
        text += tr(", as %1").arg(r.identity);
    // Where connecting would query it (the service proxy, or the URL set for the context).
    if (r.prometheusForbidden)
        text += tr("; Prometheus not permitted");
    else if (!r.prometheusReachable)
        text += tr("; Prometheus unreachable");
    return text;
}

QVariant ContextCatalog::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return entry.name;
        case ServerColumn:
            return entry.server;
        case UserColumn:
            return entry.user;
        case NamespaceColumn:
            return entry.namespaceName;
        case StatusColumn:
            return statusText(entry);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return tr("%1\ncluster %2 (%3)\nuser %4\nfrom %5\n%6")
            .arg(entry.name, entry.cluster, entry.server, entry.user, entry.source, statusText(entry));
    case Qt::FontRole:
        if (entry.name == m_current && index.column() == NameColumn) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case ContextNameRole:
        return entry.name;
    case ReachableRole:
        return entry.reachability ? QVariant(entry.reachability->reachable) : QVariant();
    case LatencyRole:
        return entry.reachability && entry.reachability->reachable ? QVariant(entry.reachability->latencyMs) : QVariant();
    case IdentityRole:
        return entry.reachability ? entry.reachability->identity : QString();
    case InsecureRole:
        return entry.connection && entry.connection->insecureSkipTlsVerify;
    case CurrentRole:
        return entry.name == m_current;
    default:
        return {};
    }
}

QVariant ContextCatalog::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Context");
    case ServerColumn:
        return tr("Server");
    case UserColumn:
        return tr("User");
    case NamespaceColumn:
        return tr("Namespace");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

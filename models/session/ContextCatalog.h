// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Reachability.h"

#include "kubeclient/ClusterConnection.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <optional>
#include <vector>

// Every context of the merged kubeconfig, one row each: its name, the cluster's server, the user,
// the namespace, and what the last reachability probe said (or why the context cannot be used at
// all, e.g. a certificate file that is missing). The current context is marked.
class ContextCatalog : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, ServerColumn, UserColumn, NamespaceColumn, StatusColumn, ColumnCount };
    enum Role {
        ContextNameRole = Qt::UserRole + 1,
        ReachableRole,     // bool, or invalid before a probe answered
        LatencyRole,       // milliseconds, or invalid
        IdentityRole,
        InsecureRole,      // the cluster skips TLS verification
        CurrentRole,       // the kubeconfig's current context
    };

    explicit ContextCatalog(QObject* parent = nullptr);

    // Reads the kubeconfig kubectl would read (`explicitPath` alone when given, else $KUBECONFIG's
    // files merged, else ~/.kube/config). On failure the catalog is emptied and the reason returned
    // (naming the file); an empty string means loaded.
    QString load(const QString& explicitPath = {});
    // No kubeconfig exists at all (as opposed to one that fails to load).
    static bool anyKubeconfigExists(const QString& explicitPath = {});
    QStringList files() const { return m_files; }
    QString currentContext() const { return m_current; }
    QStringList contextNames() const;
    int rowOf(const QString& contextName) const;

    // The connection a context resolves to, or the reason it cannot (in `error`).
    std::optional<kube::ClusterConnection> connection(const QString& contextName, QString* error = nullptr) const;

    void setReachability(const QString& contextName, const Reachability& result);
    std::optional<Reachability> reachability(const QString& contextName) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Entry {
        QString name, cluster, server, user, namespaceName, source;
        std::optional<kube::ClusterConnection> connection;
        QString problem; // why connection is empty
        std::optional<Reachability> reachability;
    };
    QString statusText(const Entry& entry) const;

    std::vector<Entry> m_entries;
    QStringList m_files;
    QString m_current;
};

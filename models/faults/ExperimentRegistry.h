// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Experiment.h"

#include <QAbstractListModel>
#include <QList>
#include <QTimer>
#include <nlohmann/json_fwd.hpp>
#include <optional>

// The active experiments in the session's context, whoever started them: read from the annotations
// of the VirtualServices an ExperimentWatcher (or a test) feeds it through objectChanged() and
// objectRemoved(). One row per experiment, ordered by expiry (soonest first); the display line's
// countdown is refreshed every second.
class ExperimentRegistry : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1, ExpiresRole, OwnerRole, ServiceRole, NamespaceRole };

    explicit ExperimentRegistry(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QList<Experiment> experiments() const { return m_experiments; }
    std::optional<Experiment> find(const QString& id) const;
    QList<Experiment> forService(const QString& ns, const QString& service) const;
    // True when every watched VirtualService has been read at least once. A registry nobody watches
    // for is complete with what it is fed; ExperimentWatcher unsets this until its lists are in.
    bool isSynced() const { return m_synced; }
    // synced() follows when it becomes true.
    void setSynced(bool synced);

    // A VirtualService as it now is (added or changed): its experiments replace the ones it had.
    void objectChanged(const nlohmann::json& virtualService);
    void objectRemoved(const QString& ns, const QString& name);

    // "delay 2 s on 50 % of requests → ratings (bookinfo), 4:12 left, by alice"
    static QString describe(const Experiment& experiment, const QDateTime& now);

Q_SIGNALS:
    void experimentsChanged();
    void synced();

private:
    void replace(const QString& ns, const QString& name, QList<Experiment> found);

    QList<Experiment> m_experiments;
    QTimer m_countdown;
    bool m_synced = true;
};

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Experiment.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>

class ClusterSession;

namespace kube {
class Informer;
}

// The active experiments in the session's context, whoever started them: read from the annotations
// of every VirtualService (ExperimentAnnotation), kept live by an informer over all namespaces. One
// row per experiment, ordered by expiry (soonest first); the display line's countdown is refreshed
// every second.
class ExperimentRegistry : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1, ExpiresRole, OwnerRole, ServiceRole, NamespaceRole };

    // With a session: watches its VirtualServices. Without one (tests): fed through objectChanged().
    explicit ExperimentRegistry(ClusterSession* session, QObject* parent = nullptr);
    ~ExperimentRegistry() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QList<Experiment> experiments() const { return m_experiments; }
    std::optional<Experiment> find(const QString& id) const;
    QList<Experiment> forService(const QString& ns, const QString& service) const;
    // True once the first complete list of VirtualServices has been read (always without a session).
    bool isSynced() const { return m_synced; }

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

    QPointer<ClusterSession> m_session;
    std::unique_ptr<kube::Informer> m_informer;
    QList<Experiment> m_experiments;
    QTimer m_countdown;
    bool m_synced = false;
};

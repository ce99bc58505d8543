// SPDX-License-Identifier: Apache-2.0
#include "ExperimentRegistry.h"

#include "ExperimentAnnotation.h"

#include <nlohmann/json.hpp>

namespace {

QString metadataText(const nlohmann::json& object, const char* key) {
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return {};
    return QString::fromStdString(metadata->value(key, std::string()));
}

QString countdown(qint64 seconds) {
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

ExperimentRegistry::ExperimentRegistry(QObject* parent)
    : QAbstractListModel(parent) {
    // The countdown in each display line moves every second; nothing else changes meanwhile.
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, [this] {
        if (!m_experiments.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_experiments.size()) - 1), {Qt::DisplayRole});
    });
    m_countdown.start();
}

void ExperimentRegistry::setSynced(bool synced) {
    if (synced == m_synced)
        return;
    m_synced = synced;
    if (synced)
        Q_EMIT this->synced();
}

int ExperimentRegistry::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_experiments.size());
}

QVariant ExperimentRegistry::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Experiment& e = m_experiments.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return describe(e, QDateTime::currentDateTimeUtc());
    case IdRole:
        return e.id;
    case ExpiresRole:
        return e.expiresAt;
    case OwnerRole:
        return e.owner;
    case ServiceRole:
        return e.service;
    case NamespaceRole:
        return e.namespaceName;
    default:
        return {};
    }
}

QHash<int, QByteArray> ExperimentRegistry::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(ExpiresRole, "expires");
    names.insert(OwnerRole, "owner");
    names.insert(ServiceRole, "service");
    names.insert(NamespaceRole, "namespace");
    return names;
}

std::optional<Experiment> ExperimentRegistry::find(const QString& id) const {
    for (const Experiment& e : m_experiments) {
        if (e.id == id)
            return e;
    }
    return std::nullopt;
}

QList<Experiment> ExperimentRegistry::forService(const QString& ns, const QString& service) const {
    QList<Experiment> found;
    for (const Experiment& e : m_experiments) {
        if (e.namespaceName == ns && e.service == service)
            found.append(e);
    }
    return found;
}

QString ExperimentRegistry::describe(const Experiment& e, const QDateTime& now) {
    const QString left = e.isExpired(now) ? QStringLiteral("expired")
                                          : countdown(e.secondsLeft(now)) + QStringLiteral(" left");
    return QStringLiteral("%1 → %2 (%3), %4, by %5")
        .arg(e.fault.describe(), e.service, e.namespaceName, left, e.owner);
}

void ExperimentRegistry::objectChanged(const nlohmann::json& virtualService) {
    QList<Experiment> found;
    for (const ExperimentAnnotation::Record& record : ExperimentAnnotation::readAll(virtualService))
        found.append(record.experiment);
    replace(metadataText(virtualService, "namespace"), metadataText(virtualService, "name"), found);
}

void ExperimentRegistry::objectRemoved(const QString& ns, const QString& name) {
    replace(ns, name, {});
}

void ExperimentRegistry::replace(const QString& ns, const QString& name, QList<Experiment> found) {
    bool changed = false;
    // Rows of this object that are gone, last first so the indexes stay right.
    for (int row = int(m_experiments.size()) - 1; row >= 0; --row) {
        const Experiment& e = m_experiments.at(row);
        if (e.namespaceName != ns || e.virtualService != name)
            continue;
        const auto now =
            std::find_if(found.begin(), found.end(), [&](const Experiment& f) { return f.id == e.id; });
        if (now == found.end()) {
            beginRemoveRows({}, row, row);
            m_experiments.removeAt(row);
            endRemoveRows();
            changed = true;
            continue;
        }
        if (!(*now == e)) {
            m_experiments[row] = *now;
            Q_EMIT dataChanged(index(row), index(row));
            changed = true;
        }
        found.erase(now);
    }
    if (!found.isEmpty()) {
        const int first = int(m_experiments.size());
        beginInsertRows({}, first, first + int(found.size()) - 1);
        m_experiments.append(found);
        endInsertRows();
        changed = true;
    }
    if (changed)
        Q_EMIT experimentsChanged();
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QList>

// A list model of rows that have a stable `id`. setRows() turns a new snapshot into the smallest
// set of notifications (rows removed, changed in place, appended), so views update incrementally
// instead of rebuilding on every refresh.
template <typename Row>
class KeyedListModel : public QAbstractListModel {
public:
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    const QList<Row>& rows() const { return m_rows; }
    const Row& row(int i) const { return m_rows.at(i); }
    int rowOf(const QString& id) const { return m_index.value(id, -1); }

    void setRows(const QList<Row>& rows)
    {
        QHash<QString, qsizetype> incoming;
        for (qsizetype i = 0; i < rows.size(); ++i)
            incoming.insert(rows.at(i).id, i);

        for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
            if (!incoming.contains(m_rows.at(i).id)) {
                beginRemoveRows({}, i, i);
                m_rows.removeAt(i);
                endRemoveRows();
            }
        }
        reindex();

        QList<Row> added;
        for (const Row& r : rows) {
            const int existing = m_index.value(r.id, -1);
            if (existing < 0) {
                added.append(r);
            } else if (!(m_rows.at(existing) == r)) {
                m_rows[existing] = r;
                Q_EMIT dataChanged(index(existing), index(existing));
            }
        }
        if (!added.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(added.size()) - 1);
            m_rows.append(added);
            reindex();
            endInsertRows();
        }
    }

private:
    void reindex()
    {
        m_index.clear();
        for (qsizetype i = 0; i < m_rows.size(); ++i)
            m_index.insert(m_rows.at(i).id, int(i));
    }

    QList<Row> m_rows;
    QHash<QString, int> m_index;
};

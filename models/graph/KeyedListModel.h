// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QList>

#include <utility>
#include <vector>

// A list model of rows that have a stable `id`. setRows() turns a new snapshot into the smallest
// set of notifications (runs of rows removed, runs changed in place, one append), so views update
// incrementally instead of rebuilding on every refresh. A refresh that only changes numbers
// (updateRows()) takes the new rows over whole: no hashing, no copying, no allocation per row.
template <typename Row>
class KeyedListModel : public QAbstractListModel {
public:
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    const QList<Row>& rows() const { return m_rows; }
    const Row& row(int i) const { return m_rows.at(i); }
    int rowOf(const QString& id) const { return m_index.value(id, -1); }

    void setRows(QList<Row> rows)
    {
        if (sameIdsInOrder(rows)) {
            updateRows(std::move(rows));
            return;
        }
        std::vector<char> kept(size_t(m_rows.size()), 0);
        qsizetype matched = 0;
        for (const Row& r : std::as_const(rows)) {
            const auto it = m_index.constFind(r.id);
            if (it != m_index.cend()) {
                kept[size_t(*it)] = 1;
                ++matched;
            }
        }
        if (matched < m_rows.size()) {
            removeUnkept(kept);
            reindex();
        }

        std::vector<char> changed(size_t(m_rows.size()), 0);
        QList<Row> added;
        for (Row& r : rows) {
            const auto it = m_index.constFind(r.id);
            if (it == m_index.cend()) {
                added.append(std::move(r));
            } else if (!(m_rows.at(*it) == r)) {
                m_rows[*it] = std::move(r);
                changed[size_t(*it)] = 1;
            }
        }
        emitChangedRuns(changed);
        if (!added.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(added.size()) - 1);
            m_rows.append(std::move(added));
            for (qsizetype i = first; i < m_rows.size(); ++i)
                m_index.insert(m_rows.at(i).id, int(i));
            endInsertRows();
        }
    }

    // The common refresh: `rows` has the ids this model holds, in the same order (sameIdsInOrder()),
    // so only contents change. The index stays valid as it is; one dataChanged per run of changed rows.
    void updateRows(QList<Row> rows)
    {
        Q_ASSERT(sameIdsInOrder(rows));
        std::vector<std::pair<int, int>> runs; // first and last row of each run of changed rows
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (m_rows.at(i) == rows.at(i))
                continue;
            if (!runs.empty() && runs.back().second == int(i) - 1)
                runs.back().second = int(i);
            else
                runs.emplace_back(int(i), int(i));
        }
        m_rows = std::move(rows);
        for (const auto& [first, last] : runs)
            Q_EMIT dataChanged(index(first), index(last));
    }

    // The rows have the ids this model holds, in the same order: setRows() would only change contents.
    bool sameIdsInOrder(const QList<Row>& rows) const
    {
        if (rows.size() != m_rows.size())
            return false;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (rows.at(i).id != m_rows.at(i).id)
                return false;
        }
        return true;
    }

private:
    // Removes the rows not kept, a contiguous run at a time from the end, so that replacing a
    // whole graph is one removal, not thousands.
    void removeUnkept(const std::vector<char>& kept)
    {
        for (int last = int(m_rows.size()) - 1; last >= 0; --last) {
            if (kept[size_t(last)])
                continue;
            int first = last;
            while (first > 0 && !kept[size_t(first - 1)])
                --first;
            beginRemoveRows({}, first, last);
            m_rows.remove(first, last - first + 1);
            endRemoveRows();
            last = first;
        }
    }

    void emitChangedRuns(const std::vector<char>& changed)
    {
        for (size_t first = 0; first < changed.size(); ++first) {
            if (!changed[first])
                continue;
            size_t last = first;
            while (last + 1 < changed.size() && changed[last + 1])
                ++last;
            Q_EMIT dataChanged(index(int(first)), index(int(last)));
            first = last;
        }
    }

    void reindex()
    {
        m_index.clear();
        m_index.reserve(m_rows.size());
        for (qsizetype i = 0; i < m_rows.size(); ++i)
            m_index.insert(m_rows.at(i).id, int(i));
    }

    QList<Row> m_rows;
    QHash<QString, int> m_index;
};

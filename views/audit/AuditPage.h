// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class AuditLog;
class DiffView;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

// Every change MeshDeck applied, newest first, filterable by any word (user, service, version,
// why), with the selected change's before and after shown as a YAML diff.
class AuditPage : public QWidget {
    Q_OBJECT
public:
    explicit AuditPage(AuditLog* log, QWidget* parent = nullptr);

    void setFilter(const QString& text);
    int visibleRows() const;
    // Selects the row shown at `row` (0 is the newest shown) and shows its diff.
    void selectRow(int row);
    QString diffText() const;
    QString detailsText() const;

private:
    void showSelected();

    AuditLog* m_log;
    QSortFilterProxyModel* m_filter;
    QLineEdit* m_search;
    QTableView* m_table;
    QLabel* m_details;
    DiffView* m_diff;
};

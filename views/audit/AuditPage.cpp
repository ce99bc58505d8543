// SPDX-License-Identifier: Apache-2.0
#include "AuditPage.h"

#include "views/common/DiffView.h"

#include "models/audit/AuditLog.h"
#include "models/diff/ObjectDiff.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

AuditPage::AuditPage(AuditLog* log, QWidget* parent)
    : QWidget(parent)
    , m_log(log)
    , m_filter(new QSortFilterProxyModel(this))
    , m_search(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_details(new QLabel(this))
    , m_diff(new DiffView(this))
{
    m_filter->setSourceModel(log);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1); // any column
    m_filter->setSortRole(AuditLog::TimeRole);
    m_filter->sort(AuditLog::TimeColumn, Qt::DescendingOrder);

    m_search->setPlaceholderText(tr("Filter by user, object, version, why… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, &AuditPage::setFilter);

    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AuditPage::showSelected);
    connect(m_filter, &QAbstractItemModel::rowsInserted, m_table, &QTableView::resizeColumnsToContents);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &AuditPage::showSelected); // the count, when none is selected
    auto* find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_search, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    addAction(find);

    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* lower = new QWidget(this);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_details);
    lowerLayout->addWidget(m_diff, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(lower);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(split, 1);
    m_table->resizeColumnsToContents();
    showSelected();
}

void AuditPage::setFilter(const QString& text)
{
    if (m_search->text() != text)
        m_search->setText(text);
    m_filter->setFilterFixedString(text);
}

int AuditPage::visibleRows() const
{
    return m_filter->rowCount();
}

void AuditPage::selectRow(int row)
{
    m_table->selectRow(row);
    showSelected();
}

QString AuditPage::detailsText() const
{
    return m_details->text();
}

QString AuditPage::diffText() const
{
    return m_diff->toPlainText();
}

void AuditPage::showSelected()
{
    const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
    if (!current.isValid()) {
        const int count = m_log->rowCount();
        m_details->setText((count == 1 ? tr("1 change recorded in %1.") : tr("%1 changes recorded in %2.").arg(count))
                               .arg(m_log->file())
                           + u' ' + tr("Select one to see what it did."));
        m_diff->setDiff({});
        return;
    }
    const AuditEntry& entry = m_log->entry(current.row());
    m_details->setText(tr("<b>%1</b> by <b>%2</b> in context %3, %4 %5/%6 — %7")
                           .arg(entry.action.toHtmlEscaped(), entry.user.toHtmlEscaped(), entry.context.toHtmlEscaped(),
                                entry.kind.toHtmlEscaped(), entry.namespaceName.toHtmlEscaped(), entry.name.toHtmlEscaped(),
                                entry.why.toHtmlEscaped()));
    m_diff->setDiff(ObjectDiff::compareJson(entry.before, entry.after), tr("The object did not change."));
}

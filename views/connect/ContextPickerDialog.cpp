// SPDX-License-Identifier: Apache-2.0
#include "ContextPickerDialog.h"

#include "models/session/ContextCatalog.h"
#include "models/session/ReachabilityProbe.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

ContextPickerDialog::ContextPickerDialog(ContextCatalog* catalog, const QString& currentContext,
                                         const QString& currentNamespace, const PrometheusUrlFor& prometheusUrlFor,
                                         QWidget* parent)
    : QDialog(parent)
    , m_catalog(catalog)
    , m_table(new QTableView(this))
    , m_namespace(new QComboBox(this))
    , m_namespaceNote(new QLabel(this))
{
    setWindowTitle(tr("Connect to a context"));
    m_table->setModel(catalog);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_namespace->setEditable(true);
    m_namespace->setInsertPolicy(QComboBox::NoInsert);
    m_namespace->setMinimumContentsLength(24);
    m_namespaceNote->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connect = buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    auto* form = new QFormLayout;
    form->addRow(tr("Namespace:"), m_namespace);
    form->addRow(QString(), m_namespaceNote);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(1000, 420);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableView::doubleClicked, this, &QDialog::accept);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ContextPickerDialog::onSelectionChanged);
    connect(m_namespace->lineEdit(), &QLineEdit::textEdited, this, [this](const QString& text) { m_typedNamespace = text; });

    for (const QString& name : catalog->contextNames()) {
        const auto connection = catalog->connection(name);
        if (!connection)
            continue;
        auto* probe = new ReachabilityProbe(*connection, prometheusUrlFor ? prometheusUrlFor(name) : QString(), this);
        connect(probe, &ReachabilityProbe::probed, this, [this, name](const Reachability& r) { onProbed(name, r); });
        m_probes.emplace(name, probe);
        probe->probe();
    }
    selectContext(currentContext.isEmpty() ? catalog->currentContext() : currentContext);
    if (!currentNamespace.isEmpty())
        setNamespace(currentNamespace);
    m_table->resizeColumnsToContents();
}

ContextPickerDialog::~ContextPickerDialog() = default;

QString ContextPickerDialog::chosenContext() const
{
    return m_table->currentIndex().siblingAtColumn(ContextCatalog::NameColumn).data(ContextCatalog::ContextNameRole).toString();
}

QString ContextPickerDialog::chosenNamespace() const
{
    return m_namespace->currentText().trimmed();
}

void ContextPickerDialog::selectContext(const QString& name)
{
    const int row = m_catalog->rowOf(name);
    if (row >= 0)
        m_table->setCurrentIndex(m_catalog->index(row, ContextCatalog::NameColumn));
}

void ContextPickerDialog::setNamespace(const QString& name)
{
    m_typedNamespace = name;
    m_namespace->setEditText(name);
}

void ContextPickerDialog::onSelectionChanged()
{
    // Another context: its own namespace, unless the operator typed one.
    m_typedNamespace.clear();
    fillNamespaces();
    m_connect->setEnabled(m_catalog->connection(chosenContext()).has_value());
}

void ContextPickerDialog::onProbed(const QString& context, const Reachability& result)
{
    m_catalog->setReachability(context, result);
    if (context == chosenContext())
        fillNamespaces();
}

void ContextPickerDialog::fillNamespaces()
{
    const QString context = chosenContext();
    const int row = m_catalog->rowOf(context);
    const QString own = row < 0 ? QString() : m_catalog->index(row, ContextCatalog::NamespaceColumn).data().toString();
    const QString keep = m_typedNamespace.isEmpty() ? own : m_typedNamespace;
    const auto reachability = m_catalog->reachability(context);
    QStringList names = reachability ? reachability->namespaces : QStringList();
    if (!own.isEmpty() && !names.contains(own))
        names.prepend(own);
    m_namespace->clear();
    m_namespace->addItems(names);
    m_namespace->setEditText(keep);
    if (!reachability)
        m_namespaceNote->setText(tr("Listing the namespaces you may see…"));
    else if (!reachability->reachable)
        m_namespaceNote->setText(tr("The API server did not answer; type a namespace if you know it."));
    else if (reachability->namespacesFallback)
        m_namespaceNote->setText(tr("You may not list namespaces in this cluster, so only the context's own is offered; "
                                    "type any other you are allowed to see."));
    else
        m_namespaceNote->setText(tr("%n namespace(s) you may list; or type one.", nullptr, int(names.size())));
}

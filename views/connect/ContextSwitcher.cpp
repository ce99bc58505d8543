// SPDX-License-Identifier: Apache-2.0
#include "ContextSwitcher.h"

#include "models/session/ContextCatalog.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QToolButton>

ContextSwitcher::ContextSwitcher(ContextCatalog* catalog, QWidget* parent)
    : QWidget(parent)
    , m_catalog(catalog)
    , m_context(new QComboBox(this))
    , m_namespace(new QComboBox(this))
    , m_more(new QToolButton(this))
{
    m_context->setModel(catalog);
    m_context->setModelColumn(ContextCatalog::NameColumn);
    m_context->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_context->setToolTip(tr("Kubeconfig context"));
    m_namespace->setEditable(true);
    m_namespace->setInsertPolicy(QComboBox::NoInsert);
    m_namespace->setMinimumContentsLength(14);
    m_more->setText(tr("Contexts…"));
    m_more->setToolTip(tr("Every context of the kubeconfig, checked in the background"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Context:"), this));
    layout->addWidget(m_context);
    layout->addWidget(new QLabel(tr("Namespace:"), this));
    layout->addWidget(m_namespace);
    layout->addWidget(m_more);

    connect(m_context, &QComboBox::activated, this, [this](int row) {
        // A new context opens on its own namespace.
        const QModelIndex index = m_catalog->index(row, ContextCatalog::NamespaceColumn);
        Q_EMIT switchRequested(m_catalog->index(row, ContextCatalog::NameColumn).data().toString(), index.data().toString());
    });
    // A picked namespace and a typed one (Enter) both switch; the window ignores a repeat of where
    // it already is.
    const auto switchNamespace = [this] {
        Q_EMIT switchRequested(m_context->currentText(), m_namespace->currentText().trimmed());
    };
    connect(m_namespace, &QComboBox::activated, this, switchNamespace);
    connect(m_namespace->lineEdit(), &QLineEdit::returnPressed, this, switchNamespace);
    connect(m_more, &QToolButton::clicked, this, &ContextSwitcher::pickerRequested);
}

void ContextSwitcher::setCurrent(const QString& context, const QString& namespaceName)
{
    const QSignalBlocker blockContext(m_context);
    const QSignalBlocker blockNamespace(m_namespace);
    m_context->setCurrentIndex(m_catalog->rowOf(context));
    if (m_namespace->findText(namespaceName) < 0)
        m_namespace->addItem(namespaceName);
    m_namespace->setCurrentText(namespaceName);
}

void ContextSwitcher::setNamespaces(const QStringList& names, bool mayList)
{
    m_namespace->setToolTip(mayList ? tr("Namespace: pick one or type a name and press Enter")
                                    : tr("You may not list this cluster's namespaces: type the name of one you may see "
                                         "and press Enter"));
    const QSignalBlocker block(m_namespace);
    const QString current = m_namespace->currentText();
    m_namespace->clear();
    m_namespace->addItems(names);
    if (!names.contains(current))
        m_namespace->addItem(current);
    m_namespace->setCurrentText(current);
}

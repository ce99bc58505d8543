// SPDX-License-Identifier: Apache-2.0
#include "MatchRoutesEditor.h"

#include "views/style/VersionPalette.h"

#include "models/traffic/TrafficSplitModel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

MatchRoutesEditor::MatchRoutesEditor(TrafficSplitModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_list(new QGridLayout)
    , m_field(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_value(new QLineEdit(this))
    , m_subset(new QComboBox(this))
    , m_add(new QPushButton(tr("Add route"), this))
    , m_formProblem(new QLabel(this))
    , m_variants(new QTableWidget(0, 4, this))
{
    auto* title = new QLabel(tr("<b>A/B routes</b> — tried in order, before the split above"), this);
    m_field->addItem(tr("Header"), int(MatchCondition::Field::Header));
    m_field->addItem(tr("Cookie"), int(MatchCondition::Field::Cookie));
    m_field->addItem(tr("Query parameter"), int(MatchCondition::Field::QueryParameter));
    m_field->addItem(tr("URI prefix"), int(MatchCondition::Field::UriPrefix));
    m_name->setPlaceholderText(tr("name, e.g. end-user"));
    m_value->setPlaceholderText(tr("value, e.g. jason"));
    m_add->setAutoDefault(false);
    m_add->setToolTip(tr("Requests matching this go to the chosen version; everything else keeps the split"));
    m_formProblem->setStyleSheet(QStringLiteral("color: #6A6E73;"));
    connect(m_field, &QComboBox::currentIndexChanged, this, &MatchRoutesEditor::updateForm);
    connect(m_name, &QLineEdit::textChanged, this, &MatchRoutesEditor::updateForm);
    connect(m_value, &QLineEdit::textChanged, this, &MatchRoutesEditor::updateForm);
    connect(m_add, &QPushButton::clicked, this, [this] { Q_EMIT addRequested(condition(), m_subset->currentText()); });
    connect(m_value, &QLineEdit::returnPressed, m_add, &QPushButton::click);

    auto* form = new QHBoxLayout;
    form->addWidget(m_field);
    form->addWidget(m_name, 1);
    form->addWidget(new QLabel(QStringLiteral("="), this));
    form->addWidget(m_value, 1);
    form->addWidget(new QLabel(tr("→"), this));
    form->addWidget(m_subset);
    form->addWidget(m_add);

    m_variants->setHorizontalHeaderLabels({tr("Version"), tr("Requests/s"), tr("5xx"), tr("p95")});
    m_variants->verticalHeader()->hide();
    m_variants->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_variants->setSelectionMode(QAbstractItemView::NoSelection);
    m_variants->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_variants->setMaximumHeight(120);
    m_variants->setToolTip(tr("Each version's live numbers, to compare the variants of an A/B test"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    m_list->setColumnStretch(0, 1); // the route's text takes the width, its button only what it needs
    layout->addLayout(m_list);
    layout->addLayout(form);
    layout->addWidget(m_formProblem);
    layout->addWidget(m_variants);

    connect(model, &TrafficSplitModel::splitChanged, this, &MatchRoutesEditor::showRoutes);
    showRoutes();
}

QString MatchRoutesEditor::routeText(int row) const
{
    return m_routeLabels.at(row)->text();
}

MatchCondition MatchRoutesEditor::condition() const
{
    return {MatchCondition::Field(m_field->currentData().toInt()), m_name->text().trimmed(), m_value->text().trimmed()};
}

void MatchRoutesEditor::setWritable(bool writable, const QString& reason)
{
    m_writable = writable;
    m_readOnlyReason = reason;
    showRoutes();
}

void MatchRoutesEditor::showRoutes()
{
    const QList<MatchRoute> routes = m_model->matchRoutes();
    qDeleteAll(m_routeLabels);
    qDeleteAll(m_removeButtons);
    m_routeLabels.clear();
    m_removeButtons.clear();
    m_routes = routes;
    for (int i = 0; i < routes.size(); ++i) {
        const MatchRoute& route = routes.at(i);
        auto* label = new QLabel(tr("%1. %2 → <b>%3</b>").arg(i + 1).arg(route.description.toHtmlEscaped(), route.destination.toHtmlEscaped()), this);
        label->setWordWrap(true);
        auto* remove = new QPushButton(tr("Remove"), this);
        remove->setAutoDefault(false);
        remove->setEnabled(m_writable);
        remove->setToolTip(m_writable ? tr("Stop routing these requests separately") : m_readOnlyReason);
        connect(remove, &QPushButton::clicked, this, [this, route] { Q_EMIT removeRequested(route); });
        m_list->addWidget(label, i, 0);
        m_list->addWidget(remove, i, 1);
        m_routeLabels.append(label);
        m_removeButtons.append(remove);
    }
    const QString chosen = m_subset->currentText();
    m_subset->clear();
    for (int i = 0; i < m_model->rowCount(); ++i)
        m_subset->addItem(m_model->index(i).data(TrafficSplitModel::SubsetRole).toString());
    m_subset->setCurrentIndex(std::max(0, m_subset->findText(chosen)));
    updateForm();
}

void MatchRoutesEditor::updateForm()
{
    const bool uri = MatchCondition::Field(m_field->currentData().toInt()) == MatchCondition::Field::UriPrefix;
    m_name->setEnabled(m_writable && !uri);
    m_value->setPlaceholderText(uri ? tr("prefix, e.g. /api/v2") : tr("value, e.g. jason"));
    const QString problem = MatchRoutes::problemWith(condition());
    const bool usable = m_writable && m_model->problem().isEmpty() && m_subset->count() > 0;
    m_add->setEnabled(usable && problem.isEmpty());
    for (QWidget* w : {static_cast<QWidget*>(m_field), static_cast<QWidget*>(m_value), static_cast<QWidget*>(m_subset)})
        w->setEnabled(usable);
    m_formProblem->setText(!m_writable ? m_readOnlyReason : (usable && !m_value->text().isEmpty() ? problem : QString()));
}

void MatchRoutesEditor::setVariantNumbers(const QList<VariantNumbers>& numbers)
{
    m_variants->setRowCount(int(numbers.size()));
    for (int row = 0; row < numbers.size(); ++row) {
        const VariantNumbers& n = numbers.at(row);
        auto* version = new QTableWidgetItem(n.version);
        version->setForeground(VersionPalette::colorFor(n.version));
        m_variants->setItem(row, 0, version);
        m_variants->setItem(row, 1, new QTableWidgetItem(QString::number(n.requestsPerSecond, 'f', 2)));
        m_variants->setItem(row, 2, new QTableWidgetItem(QStringLiteral("%1 %").arg(n.errorRatio * 100, 0, 'f', 1)));
        m_variants->setItem(row, 3, new QTableWidgetItem(n.p95Ms < 0 ? tr("n/a") : tr("%1 ms").arg(n.p95Ms, 0, 'f', 0)));
    }
}

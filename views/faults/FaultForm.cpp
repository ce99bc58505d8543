// SPDX-License-Identifier: Apache-2.0
#include "FaultForm.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStackedWidget>

#include <algorithm>

namespace {
enum ScopeIndex { AllTraffic, OneRoute, WithHeader };

QWidget* row(QWidget* parent, std::initializer_list<QWidget*> widgets)
{
    auto* box = new QWidget(parent);
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : widgets)
        layout->addWidget(w);
    return box;
}
} // namespace

FaultForm::FaultForm(QWidget* parent)
    : QWidget(parent)
    , m_kind(new QComboBox(this))
    , m_delay(new QSpinBox(this))
    , m_delayUnit(new QComboBox(this))
    , m_abortKind(new QComboBox(this))
    , m_httpStatus(new QSpinBox(this))
    , m_grpcStatus(new QComboBox(this))
    , m_percentage(new QDoubleSpinBox(this))
    , m_scope(new QComboBox(this))
    , m_route(new QComboBox(this))
    , m_headerName(new QLineEdit(this))
    , m_headerValue(new QLineEdit(this))
    , m_duration(new QSpinBox(this))
    , m_durationUnit(new QComboBox(this))
    , m_what(new QStackedWidget(this))
    , m_where(new QStackedWidget(this))
{
    m_kind->addItem(tr("Delay"));
    m_kind->addItem(tr("Abort"));
    m_delay->setRange(0, 3600000);
    m_delay->setValue(2);
    m_delayUnit->addItem(tr("s"), 1000);
    m_delayUnit->addItem(tr("ms"), 1);
    m_abortKind->addItem(tr("HTTP status"));
    m_abortKind->addItem(tr("gRPC status"));
    // Out-of-range statuses are typed on purpose: the panel names istiod's rule they break.
    m_httpStatus->setRange(0, 999);
    m_httpStatus->setValue(503);
    m_grpcStatus->setEditable(true);
    m_grpcStatus->addItems({QStringLiteral("UNAVAILABLE"), QStringLiteral("DEADLINE_EXCEEDED"), QStringLiteral("INTERNAL"),
                            QStringLiteral("RESOURCE_EXHAUSTED"), QStringLiteral("UNKNOWN"), QStringLiteral("CANCELLED"),
                            QStringLiteral("PERMISSION_DENIED"), QStringLiteral("UNAUTHENTICATED"), QStringLiteral("NOT_FOUND"),
                            QStringLiteral("ABORTED"), QStringLiteral("UNIMPLEMENTED"), QStringLiteral("DATA_LOSS")});
    m_grpcStatus->hide();
    m_percentage->setRange(0, 100);
    m_percentage->setDecimals(4);
    m_percentage->setValue(50);
    m_percentage->setSuffix(tr(" %"));
    m_percentage->setToolTip(tr("Share of the chosen requests the fault hits (Istio's percentage, always written)"));
    m_scope->addItem(tr("All its traffic"));
    m_scope->addItem(tr("One route"));
    m_scope->addItem(tr("Requests with a header"));
    m_headerName->setPlaceholderText(tr("header, e.g. end-user"));
    m_headerValue->setPlaceholderText(tr("exact value, e.g. jason"));
    m_duration->setRange(1, 24 * 60);
    m_duration->setValue(5);
    m_durationUnit->addItem(tr("min"), 60);
    m_durationUnit->addItem(tr("s"), 1);
    m_duration->setToolTip(tr("The fault reverts on its own after this, even if MeshDeck is closed or crashes"));

    m_what->addWidget(row(m_what, {m_delay, m_delayUnit}));
    m_what->addWidget(row(m_what, {m_abortKind, m_httpStatus, m_grpcStatus}));
    m_where->addWidget(new QWidget(m_where));
    m_where->addWidget(m_route);
    m_where->addWidget(row(m_where, {m_headerName, new QLabel(QStringLiteral("="), m_where), m_headerValue}));

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Fault"), row(this, {m_kind, m_what}));
    form->addRow(tr("On"), row(this, {m_percentage, new QLabel(tr("of"), this), m_scope}));
    form->addRow(QString(), m_where);
    form->addRow(tr("For"), row(this, {m_duration, m_durationUnit}));
    showChoices();

    for (QComboBox* box : {m_kind, m_delayUnit, m_abortKind, m_scope, m_route, m_durationUnit}) {
        connect(box, &QComboBox::currentIndexChanged, this, &FaultForm::showChoices);
        connect(box, &QComboBox::currentIndexChanged, this, &FaultForm::changed);
    }
    connect(m_grpcStatus, &QComboBox::currentTextChanged, this, &FaultForm::changed);
    for (QSpinBox* spin : {m_delay, m_httpStatus, m_duration})
        connect(spin, &QSpinBox::valueChanged, this, &FaultForm::changed);
    connect(m_percentage, &QDoubleSpinBox::valueChanged, this, &FaultForm::changed);
    for (QLineEdit* edit : {m_headerName, m_headerValue})
        connect(edit, &QLineEdit::textChanged, this, &FaultForm::changed);
}

void FaultForm::showChoices()
{
    m_what->setCurrentIndex(m_kind->currentIndex());
    m_httpStatus->setVisible(m_abortKind->currentIndex() == 0);
    m_grpcStatus->setVisible(m_abortKind->currentIndex() == 1);
    m_where->setCurrentIndex(m_scope->currentIndex());
    m_where->setVisible(m_scope->currentIndex() != AllTraffic);
}

FaultSpec FaultForm::spec() const
{
    FaultSpec spec;
    spec.kind = m_kind->currentIndex() == 0 ? FaultSpec::Kind::Delay : FaultSpec::Kind::Abort;
    if (spec.kind == FaultSpec::Kind::Delay) {
        spec.delayMs = m_delay->value() * m_delayUnit->currentData().toInt();
    } else if (m_abortKind->currentIndex() == 0) {
        spec.httpStatus = m_httpStatus->value();
    } else {
        spec.grpcStatus = m_grpcStatus->currentText().trimmed();
    }
    spec.percentage = m_percentage->value();
    switch (m_scope->currentIndex()) {
    case OneRoute:
        spec.scope = FaultSpec::Scope::Route;
        spec.routeName = m_route->currentText();
        break;
    case WithHeader:
        spec.scope = FaultSpec::Scope::Header;
        spec.headerName = m_headerName->text().trimmed();
        spec.headerValue = m_headerValue->text();
        break;
    default:
        spec.scope = FaultSpec::Scope::AllTraffic;
    }
    return spec;
}

std::chrono::seconds FaultForm::duration() const
{
    return std::chrono::seconds(m_duration->value() * m_durationUnit->currentData().toInt());
}

void FaultForm::setRoutes(const QStringList& routeNames)
{
    QStringList items;
    for (int i = 0; i < m_route->count(); ++i)
        items.append(m_route->itemText(i));
    if (items == routeNames)
        return;
    const QString current = m_route->currentText();
    m_route->clear();
    m_route->addItems(routeNames);
    m_route->setCurrentIndex(std::max(0, int(routeNames.indexOf(current))));
    Q_EMIT changed();
}

// SPDX-License-Identifier: Apache-2.0
#include "HealthThresholdsDialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>

#include <algorithm>

namespace {
QDoubleSpinBox* percentField(QWidget* parent)
{
    auto* field = new QDoubleSpinBox(parent);
    field->setRange(0, 100);
    field->setDecimals(1);
    field->setSingleStep(1);
    field->setSuffix(QStringLiteral(" %"));
    return field;
}
} // namespace

HealthThresholdsDialog::HealthThresholdsDialog(const HealthThresholds& current, QWidget* parent)
    : QDialog(parent)
    , m_serverDegraded(percentField(this))
    , m_serverFailing(percentField(this))
    , m_clientDegraded(percentField(this))
    , m_clientFailing(percentField(this))
{
    setWindowTitle(tr("Health thresholds"));
    auto* form = new QFormLayout(this);
    auto* intro = new QLabel(tr("Error shares at which nodes and edges turn orange (degraded) and red (failing)."), this);
    intro->setWordWrap(true);
    form->addRow(intro);
    form->addRow(tr("5xx degraded above"), m_serverDegraded);
    form->addRow(tr("5xx failing from"), m_serverFailing);
    form->addRow(tr("4xx degraded from"), m_clientDegraded);
    form->addRow(tr("4xx failing from"), m_clientFailing);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { setThresholds(HealthThresholds{}); });
    buttons->button(QDialogButtonBox::RestoreDefaults)->setToolTip(tr("Kiali's defaults"));
    form->addRow(buttons);
    setThresholds(current);
}

void HealthThresholdsDialog::setThresholds(const HealthThresholds& thresholds)
{
    m_serverDegraded->setValue(thresholds.serverDegraded * 100);
    m_serverFailing->setValue(thresholds.serverFailing * 100);
    m_clientDegraded->setValue(thresholds.clientDegraded * 100);
    m_clientFailing->setValue(thresholds.clientFailing * 100);
}

HealthThresholds HealthThresholdsDialog::thresholds() const
{
    HealthThresholds result;
    result.serverDegraded = m_serverDegraded->value() / 100;
    result.serverFailing = std::max(m_serverFailing->value() / 100, result.serverDegraded);
    result.clientDegraded = m_clientDegraded->value() / 100;
    result.clientFailing = std::max(m_clientFailing->value() / 100, result.clientDegraded);
    return result;
}

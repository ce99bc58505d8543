// SPDX-License-Identifier: Apache-2.0
#include "GuardEditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSpinBox>

#include <algorithm>

GuardEditor::GuardEditor(QWidget* parent)
    : QWidget(parent)
    , m_service(new QComboBox(this))
    , m_successRate(new QCheckBox(tr("success rate below"), this))
    , m_successThreshold(new QDoubleSpinBox(this))
    , m_p99(new QCheckBox(tr("p99 latency above"), this))
    , m_p99Threshold(new QSpinBox(this))
{
    m_service->setToolTip(tr("The service whose inbound traffic the guards watch (in Prometheus)"));
    m_successThreshold->setRange(0, 100);
    m_successThreshold->setDecimals(1);
    m_successThreshold->setValue(95);
    m_successThreshold->setSuffix(tr(" %"));
    m_p99Threshold->setRange(1, 600000);
    m_p99Threshold->setValue(2000);
    m_p99Threshold->setSuffix(tr(" ms"));
    m_p99Threshold->setSingleStep(100);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Revert early if"), this), 0, 0);
    layout->addWidget(m_service, 0, 1);
    layout->addWidget(m_successRate, 1, 0);
    layout->addWidget(m_successThreshold, 1, 1);
    layout->addWidget(m_p99, 2, 0);
    layout->addWidget(m_p99Threshold, 2, 1);

    connect(m_service, &QComboBox::activated, this, [this] {
        m_serviceChosen = true;
        Q_EMIT changed();
    });
    connect(m_successRate, &QCheckBox::toggled, this, &GuardEditor::changed);
    connect(m_p99, &QCheckBox::toggled, this, &GuardEditor::changed);
    connect(m_successThreshold, &QDoubleSpinBox::valueChanged, this, &GuardEditor::changed);
    connect(m_p99Threshold, &QSpinBox::valueChanged, this, &GuardEditor::changed);
}

void GuardEditor::setServices(const QStringList& services, const QString& entryService)
{
    const QString current = m_service->currentText();
    QStringList items;
    for (int i = 0; i < m_service->count(); ++i)
        items.append(m_service->itemText(i));
    if (items != services) {
        m_service->clear();
        m_service->addItems(services);
    }
    const QString wanted = m_serviceChosen && services.contains(current) ? current : entryService;
    m_service->setCurrentIndex(std::max(0, int(services.indexOf(wanted))));
}

QList<GuardCondition> GuardEditor::guards() const
{
    QList<GuardCondition> guards;
    const QString service = m_service->currentText();
    if (service.isEmpty())
        return guards;
    if (m_successRate->isChecked())
        guards.append(GuardCondition{GuardCondition::Metric::SuccessRateBelow, service, m_successThreshold->value()});
    if (m_p99->isChecked())
        guards.append(GuardCondition{GuardCondition::Metric::P99AboveMs, service, double(m_p99Threshold->value())});
    return guards;
}

QString GuardEditor::problem() const
{
    const bool wanted = m_successRate->isChecked() || m_p99->isChecked();
    return wanted && m_service->currentText().isEmpty() ? tr("A guard needs a service to watch.") : QString();
}

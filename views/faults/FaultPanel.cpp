// SPDX-License-Identifier: Apache-2.0
#include "FaultPanel.h"

#include "ExperimentList.h"
#include "FaultForm.h"
#include "GuardEditor.h"

#include "models/faults/ExperimentRunner.h"
#include "models/faults/FaultRules.h"

#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

FaultPanel::FaultPanel(ExperimentRegistry* registry, ExperimentRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_form(new FaultForm(this))
    , m_guards(new GuardEditor(this))
    , m_running(new ExperimentList(registry, runner, this))
    , m_title(new QLabel(this))
    , m_problems(new QLabel(this))
    , m_status(new QLabel(this))
    , m_start(new QPushButton(tr("Start experiment"), this))
{
    m_confirm = [this](const QStringList& confirmations) {
        QMessageBox box(QMessageBox::Warning, tr("Start fault experiment"), tr("This experiment has a large blast radius:"),
                        QMessageBox::Cancel, this);
        box.setInformativeText(QStringLiteral("• ") + confirmations.join(QStringLiteral("\n• ")) + tr("\n\nStart it anyway?"));
        box.addButton(tr("Start anyway"), QMessageBox::AcceptRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        return box.clickedButton() != box.button(QMessageBox::Cancel) && box.clickedButton() != nullptr;
    };
    m_problems->setWordWrap(true);
    m_status->setWordWrap(true);
    // A refusal carries the command that opts the namespace in: the operator copies it.
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setTextFormat(Qt::PlainText);
    m_start->setToolTip(tr("Checks the blast radius, then writes the fault with its expiry onto the VirtualService"));

    auto* runningTitle = new QLabel(tr("<b>Running on this service</b>"), this);
    auto* noneRunning = new QLabel(tr("None."), this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_form);
    layout->addWidget(m_guards);
    layout->addWidget(m_problems);
    layout->addWidget(m_start, 0, Qt::AlignLeft);
    layout->addWidget(m_status);
    layout->addSpacing(8);
    layout->addWidget(runningTitle);
    layout->addWidget(noneRunning);
    layout->addWidget(m_running);
    layout->addStretch();

    connect(m_form, &FaultForm::changed, this, &FaultPanel::updateProblems);
    connect(m_guards, &GuardEditor::changed, this, &FaultPanel::updateProblems);
    connect(m_start, &QPushButton::clicked, this, &FaultPanel::startExperiment);
    connect(m_running, &ExperimentList::rowsChanged, noneRunning,
            [noneRunning](int count) { noneRunning->setVisible(count == 0); });
    noneRunning->setVisible(m_running->rowCount() == 0);
    connect(runner, &ExperimentRunner::started, this, [this](const Experiment& e) {
        if (e.namespaceName == m_namespace && e.service == m_service)
            setStatus(tr("Started %1; it reverts at %2.")
                          .arg(e.fault.describe(), e.expiresAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"))));
    });
    connect(runner, &ExperimentRunner::reverted, this, [this](const Experiment& e, const QString& reason) {
        if (e.namespaceName == m_namespace && e.service == m_service)
            setStatus(tr("Reverted %1 (%2).").arg(e.fault.describe(), reason));
    });
    connect(runner, &ExperimentRunner::failed, this, [this](const QString& message) { setStatus(message, true); });
    setService(QString(), QString());
}

void FaultPanel::setService(const QString& namespaceName, const QString& service)
{
    if (namespaceName == m_namespace && service == m_service && !service.isEmpty())
        return;
    m_namespace = namespaceName;
    m_service = service;
    m_title->setText(service.isEmpty() ? tr("<b>Select a service in the graph</b>")
                                       : tr("<b>Fault experiment on %1</b>").arg(service.toHtmlEscaped()));
    m_running->setService(namespaceName, service);
    m_running->setVisible(!service.isEmpty());
    if (m_writable)
        setStatus(QString());
    updateProblems();
}

void FaultPanel::setRoutes(const QStringList& routeNames)
{
    m_form->setRoutes(routeNames);
}

void FaultPanel::setGuardServices(const QStringList& services, const QString& entryService)
{
    m_guards->setServices(services, entryService);
}

void FaultPanel::setWriteAccess(bool allowed, const QString& reason)
{
    m_writable = allowed;
    m_readOnlyReason = reason;
    m_form->setEnabled(allowed);
    m_guards->setEnabled(allowed);
    m_running->setWriteAccess(allowed, reason);
    setStatus(allowed ? QString() : tr("Read-only: %1").arg(reason), !allowed);
    updateProblems();
}

QString FaultPanel::problemsText() const
{
    return m_currentProblems.join(u'\n');
}

QString FaultPanel::statusText() const
{
    return m_status->text();
}

void FaultPanel::updateProblems()
{
    m_currentProblems = FaultRules::problems(m_form->spec());
    const QString guardProblem = m_guards->problem();
    if (!guardProblem.isEmpty())
        m_currentProblems.append(guardProblem);
    if (m_currentProblems.isEmpty()) {
        m_problems->setText(tr("istiod accepts this fault."));
        m_problems->setStyleSheet(QStringLiteral("color: #2E6B30;"));
    } else {
        m_problems->setText(QStringLiteral("• ") + m_currentProblems.join(QStringLiteral("\n• ")));
        m_problems->setStyleSheet(QStringLiteral("color: #9B1C1C;"));
    }
    m_start->setEnabled(m_writable && !m_service.isEmpty() && m_currentProblems.isEmpty() && !m_assessing);
    m_start->setToolTip(!m_writable ? m_readOnlyReason
                        : !m_currentProblems.isEmpty()
                            ? tr("Fix what the rules above say first")
                            : tr("Checks the blast radius, then writes the fault with its expiry onto the VirtualService"));
}

void FaultPanel::startExperiment()
{
    if (!m_start->isEnabled())
        return;
    ExperimentRunner::Request request;
    request.namespaceName = m_namespace;
    request.service = m_service;
    request.fault = m_form->spec();
    request.duration = m_form->duration();
    request.guards = m_guards->guards();
    m_assessing = true;
    updateProblems();
    setStatus(tr("Checking the blast radius…"));
    const QPointer<FaultPanel> self(this);
    m_runner->assess(request, [self, request](const ExperimentRunner::Assessment& assessment) {
        if (!self)
            return;
        self->m_assessing = false;
        self->updateProblems();
        // The panel may have moved to another service while the runner was asking the cluster.
        if (request.namespaceName != self->m_namespace || request.service != self->m_service) {
            self->setStatus(QString());
            return;
        }
        if (!assessment.refusal.isEmpty()) {
            self->setStatus(assessment.refusal, true);
            return;
        }
        if (!assessment.problems.isEmpty()) {
            self->setStatus(tr("Not started: %1").arg(assessment.problems.join(QStringLiteral("; "))), true);
            return;
        }
        if (!assessment.confirmations.isEmpty() && !self->m_confirm(assessment.confirmations)) {
            if (self)
                self->setStatus(tr("Not started."));
            return;
        }
        if (!self)
            return;
        const qint64 seconds = request.duration.count();
        self->setStatus(seconds % 60 == 0 ? tr("Starting %1 for %2 min…").arg(request.fault.describe()).arg(seconds / 60)
                                          : tr("Starting %1 for %2 s…").arg(request.fault.describe()).arg(seconds));
        self->m_runner->start(request);
    });
}

void FaultPanel::setStatus(const QString& text, bool isError)
{
    m_status->setText(text);
    m_status->setStyleSheet(isError ? QStringLiteral("color: #9B1C1C;") : QString());
    m_status->setVisible(!text.isEmpty());
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>
#include <QWidget>

#include <functional>

class ExperimentList;
class ExperimentRegistry;
class ExperimentRunner;
class FaultForm;
class GuardEditor;
class QLabel;
class QPushButton;

// Time-boxed fault experiments on the selected service: the fault (FaultForm), optional guards,
// istiod's rules checked live as the inputs change (Start stays off while one is broken), and the
// service's running experiments with their countdown and Stop. Start asks the runner to assess the
// experiment first: a namespace that has not opted in is refused with the command that opts it in,
// and a large blast radius is confirmed by the operator before anything is written.
class FaultPanel : public QWidget {
    Q_OBJECT
public:
    FaultPanel(ExperimentRegistry* registry, ExperimentRunner* runner, QWidget* parent = nullptr);

    void setService(const QString& namespaceName, const QString& service);
    // The http routes of the service's VirtualService, for a fault on one route.
    void setRoutes(const QStringList& routeNames);
    // The services a guard may watch and the entry service it watches by default.
    void setGuardServices(const QStringList& services, const QString& entryService);
    // Disables every control when the operator may not patch VirtualServices, saying why.
    void setWriteAccess(bool allowed, const QString& reason = {});
    bool isWritable() const { return m_writable; }

    // Asked with the assessment's confirmations (blast radius) before starting; returns whether to
    // go ahead. The default asks the operator in one dialog whose default button is Cancel.
    using Confirmation = std::function<bool(const QStringList& confirmations)>;
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }

    FaultForm* form() const { return m_form; }
    GuardEditor* guardEditor() const { return m_guards; }
    ExperimentList* experimentList() const { return m_running; }
    QPushButton* startButton() const { return m_start; }
    // istiod's rules (and the guards' own) that the inputs break, one per line; empty when none.
    QString problemsText() const;
    QString statusText() const;

private:
    void startExperiment();
    void updateProblems();
    void setStatus(const QString& text, bool isError = false);

    ExperimentRunner* m_runner;
    FaultForm* m_form;
    GuardEditor* m_guards;
    ExperimentList* m_running;
    QLabel* m_title;
    QLabel* m_problems;
    QLabel* m_status;
    QPushButton* m_start;
    Confirmation m_confirm;
    QString m_namespace;
    QString m_service;
    QString m_readOnlyReason;
    QStringList m_currentProblems;
    bool m_writable = true;
    bool m_assessing = false;
};

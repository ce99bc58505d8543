// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

// What MeshDeck shows when it has nothing to connect to: no kubeconfig anywhere, one that failed to
// load (the reason is shown here, not in a modal box), or after the operator cancelled connecting.
// Offers the embedded demo cluster and a kubeconfig file; the window does the work and reports
// progress back.
class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);

    // Why there is nothing to show: a kubeconfig that failed to load, a demo cluster that did not
    // start. Empty hides it.
    void setProblem(const QString& message);
    QString problem() const;
    // Something is under way (the demo cluster is starting): the buttons wait, `message` says what.
    void setBusy(const QString& message);
    void setIdle();
    bool isBusy() const;
    // The demo cluster's binary was not found: its button is disabled and says so.
    void setDemoAvailable(bool available);

    QPushButton* startDemoButton() const { return m_startDemo; }
    QPushButton* openKubeconfigButton() const { return m_openKubeconfig; }
    QPushButton* cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void startDemoRequested();
    void kubeconfigChosen(const QString& path);
    void cancelRequested();

private:
    void chooseKubeconfig();

    QPushButton* m_startDemo;
    QPushButton* m_openKubeconfig;
    QLabel* m_problem;
    QLabel* m_progressText;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    bool m_demoAvailable = true;
};

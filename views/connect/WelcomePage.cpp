// SPDX-License-Identifier: Apache-2.0
#include "WelcomePage.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent)
    , m_startDemo(new QPushButton(tr("Start the demo cluster"), this))
    , m_openKubeconfig(new QPushButton(tr("Open a kubeconfig…"), this))
    , m_problem(new QLabel(this))
    , m_progressText(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    auto* title = new QLabel(tr("Welcome to MeshDeck"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto* intro = new QLabel(tr("No cluster to show yet. Start the embedded demo cluster — a Kubernetes API with "
                                "Istio's bookinfo mesh and a real Prometheus, on this machine — or open the "
                                "kubeconfig of a cluster you use with kubectl."),
                             this);
    intro->setWordWrap(true);
    m_startDemo->setDefault(true);
    m_startDemo->setMinimumHeight(m_startDemo->sizeHint().height() * 3 / 2);
    m_openKubeconfig->setMinimumHeight(m_startDemo->minimumHeight());
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_problem->hide();
    m_progress->setRange(0, 0); // busy: how long the cluster takes is not known in advance
    m_progress->setTextVisible(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_startDemo);
    buttons->addWidget(m_openKubeconfig);
    auto* progress = new QHBoxLayout;
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_cancel);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addSpacing(12);
    column->addWidget(intro);
    column->addSpacing(18);
    column->addLayout(buttons);
    column->addSpacing(12);
    column->addWidget(m_progressText);
    column->addLayout(progress);
    column->addWidget(m_problem);
    auto* panel = new QWidget(this);
    panel->setLayout(column);
    panel->setFixedWidth(600); // wide enough for the text to wrap in a few lines, centred

    // Centred by stretches rather than an alignment flag: an aligned widget gets its size hint's
    // height, which clips the wrapped text.
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(panel);
    row->addStretch(1);
    auto* outer = new QVBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(2);

    connect(m_startDemo, &QPushButton::clicked, this, &WelcomePage::startDemoRequested);
    connect(m_openKubeconfig, &QPushButton::clicked, this, &WelcomePage::chooseKubeconfig);
    connect(m_cancel, &QPushButton::clicked, this, &WelcomePage::cancelRequested);
    setIdle();
}

void WelcomePage::chooseKubeconfig()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a kubeconfig"), QDir::homePath() + QStringLiteral("/.kube"));
    if (!path.isEmpty())
        Q_EMIT kubeconfigChosen(path);
}

void WelcomePage::setProblem(const QString& message)
{
    m_problem->setText(message);
    m_problem->setVisible(!message.isEmpty());
}

QString WelcomePage::problem() const
{
    return m_problem->isVisible() ? m_problem->text() : QString();
}

void WelcomePage::setBusy(const QString& message)
{
    m_progressText->setText(message);
    m_progressText->show();
    m_progress->show();
    m_cancel->show();
    m_startDemo->setEnabled(false);
    m_openKubeconfig->setEnabled(false);
}

void WelcomePage::setIdle()
{
    m_progressText->hide();
    m_progress->hide();
    m_cancel->hide();
    m_startDemo->setEnabled(m_demoAvailable);
    m_openKubeconfig->setEnabled(true);
}

bool WelcomePage::isBusy() const
{
    return !m_progress->isHidden();
}

void WelcomePage::setDemoAvailable(bool available)
{
    m_demoAvailable = available;
    m_startDemo->setEnabled(available && !isBusy());
    m_startDemo->setToolTip(available ? QString()
                                      : tr("meshdeck-democluster was not found next to meshdeck or in its build tree"));
}

// SPDX-License-Identifier: Apache-2.0
#include "MainWindow.h"

#include "views/audit/AuditPage.h"
#include "views/pages/MeshPage.h"

#include "models/session/ClusterSession.h"

#include <QLabel>
#include <QStatusBar>
#include <QTabWidget>

MainWindow::MainWindow(ClusterSession* session, AuditLog* audit, QWidget* parent)
    : QMainWindow(parent)
    , m_pages(new QTabWidget(this))
    , m_meshPage(new MeshPage(session, audit, m_pages))
    , m_auditPage(new AuditPage(audit, m_pages))
    , m_connection(new QLabel(this))
{
    setWindowTitle(tr("MeshDeck — %1").arg(session->contextName()));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_meshPage, tr("&Mesh"));
    m_pages->addTab(m_auditPage, tr("&Audit"));
    setCentralWidget(m_pages);
    const auto describeConnection = [this, session] {
        m_connection->setText(tr("context %1 · %2 · namespace %3 · %4")
                                  .arg(session->contextName(), session->identity(), session->namespaceName(),
                                       session->server()));
    };
    describeConnection();
    connect(session, &ClusterSession::identityChanged, this, describeConnection);
    statusBar()->addPermanentWidget(m_connection);
    connect(m_meshPage, &MeshPage::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 5000); });
    resize(1500, 900);
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMainWindow>

class AuditLog;
class AuditPage;
class ClusterSession;
class MeshPage;
class QLabel;
class QTabWidget;

// A thin shell: the pages of one cluster session (the mesh, the audit log) as tabs, and a status
// bar saying where we are connected and as whom.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(ClusterSession* session, AuditLog* audit, QWidget* parent = nullptr);

    MeshPage* meshPage() const { return m_meshPage; }
    AuditPage* auditPage() const { return m_auditPage; }

private:
    QTabWidget* m_pages;
    MeshPage* m_meshPage;
    AuditPage* m_auditPage;
    QLabel* m_connection;
};

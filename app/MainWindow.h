// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMainWindow>

class AuditLog;
class ClusterSession;
class MeshPage;
class QLabel;

// A thin shell: the pages of one cluster session, and a status bar saying where we are connected.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(ClusterSession* session, AuditLog* audit, QWidget* parent = nullptr);

    MeshPage* meshPage() const { return m_meshPage; }

private:
    MeshPage* m_meshPage;
    QLabel* m_connection;
};

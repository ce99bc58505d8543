// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>

class ExperimentRegistry;
class ExperimentRunner;
class QLabel;
class QPushButton;
class QVBoxLayout;

// Running fault experiments as rows — what, where, time left, who — each with its own Stop. Shows
// every experiment in the registry, or only those of one service. The time left counts down every
// second; the rows follow the registry, so an experiment another MeshDeck started appears too, and
// a stopped one leaves when the cluster reports it reverted.
class ExperimentList : public QWidget {
    Q_OBJECT
public:
    ExperimentList(ExperimentRegistry* registry, ExperimentRunner* runner, QWidget* parent = nullptr);

    // Only this service's experiments; an empty service shows all of them.
    void setService(const QString& namespaceName, const QString& service);
    // Disables Stop, saying why, when the operator may not patch VirtualServices.
    void setWriteAccess(bool allowed, const QString& reason = {});

    int rowCount() const { return int(m_rows.size()); }
    QString rowId(int row) const { return m_rows.at(row).id; }
    QString rowText(int row) const;
    QPushButton* stopButton(int row) const { return m_rows.at(row).stop; }

Q_SIGNALS:
    // The number of rows changed.
    void rowsChanged(int count);

private:
    struct Row {
        QString id;
        QLabel* text;
        QPushButton* stop;
    };
    void rebuild();
    void tick();

    ExperimentRegistry* m_registry;
    ExperimentRunner* m_runner;
    QVBoxLayout* m_layout;
    QList<Row> m_rows;
    QTimer m_tick;
    QString m_namespace;
    QString m_service;
    QString m_readOnlyReason;
    bool m_writable = true;
};

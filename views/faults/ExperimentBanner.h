// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFrame>

class ExperimentList;
class ExperimentRegistry;
class ExperimentRunner;
class QLabel;
class QPushButton;

// The strip above the pages while fault experiments run in the context: every active experiment,
// whoever started it (what, where, time left, who), with Stop per experiment and "Halt all".
// Hidden when none runs, so it is never mistaken for decoration.
class ExperimentBanner : public QFrame {
    Q_OBJECT
public:
    ExperimentBanner(ExperimentRegistry* registry, ExperimentRunner* runner, QWidget* parent = nullptr);

    ExperimentList* list() const { return m_list; }
    QPushButton* haltAllButton() const { return m_haltAll; }
    QString titleText() const;

private:
    void showCount(int count);

    ExperimentList* m_list;
    QLabel* m_title;
    QPushButton* m_haltAll;
};

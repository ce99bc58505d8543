// SPDX-License-Identifier: Apache-2.0
#include "ExperimentBanner.h"

#include "ExperimentList.h"

#include "models/faults/ExperimentRunner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ExperimentBanner::ExperimentBanner(ExperimentRegistry* registry, ExperimentRunner* runner, QWidget* parent)
    : QFrame(parent)
    , m_list(new ExperimentList(registry, runner, this))
    , m_title(new QLabel(this))
    , m_haltAll(new QPushButton(tr("Halt all"), this))
{
    setObjectName(QStringLiteral("experimentBanner"));
    // Amber like a warning, not red like an error: the faults are on purpose, but nobody should
    // forget that they are on.
    setStyleSheet(QStringLiteral("#experimentBanner { background: #FFF4D6; border-bottom: 1px solid #E0B84C; }"));
    m_haltAll->setToolTip(tr("Revert every experiment MeshDeck started in this context"));
    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_haltAll);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_list);

    connect(m_haltAll, &QPushButton::clicked, runner, &ExperimentRunner::haltAll);
    connect(m_list, &ExperimentList::rowsChanged, this, &ExperimentBanner::showCount);
    showCount(m_list->rowCount());
}

QString ExperimentBanner::titleText() const
{
    return m_title->text();
}

void ExperimentBanner::showCount(int count)
{
    m_title->setText(count == 1 ? tr("<b>1 fault experiment running</b> in this context")
                                : tr("<b>%1 fault experiments running</b> in this context").arg(count));
    setVisible(count > 0);
}

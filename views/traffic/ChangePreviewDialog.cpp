// SPDX-License-Identifier: Apache-2.0
#include "ChangePreviewDialog.h"

#include "views/common/DiffView.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ChangePreviewDialog::ChangePreviewDialog(const QString& question, const QList<DiffLine>& diff, QWidget* parent)
    : QDialog(parent)
    , m_question(new QLabel(question, this))
    , m_diff(new DiffView(this))
{
    setWindowTitle(tr("Preview the change"));
    m_question->setWordWrap(true);
    m_diff->setDiff(diff, tr("The object would not change."));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_question);
    layout->addWidget(m_diff, 1);
    layout->addWidget(buttons);
    resize(640, 480);
}

QString ChangePreviewDialog::diffText() const
{
    return m_diff->toPlainText();
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/diff/ObjectDiff.h"

#include <QDialog>

class DiffView;
class QLabel;

// Shows what a change will do to the object before it is sent, as a YAML diff, with a question
// (and any warning) above it: Apply sends, Cancel sends nothing.
class ChangePreviewDialog : public QDialog {
    Q_OBJECT
public:
    ChangePreviewDialog(const QString& question, const QList<DiffLine>& diff, QWidget* parent = nullptr);

    QString diffText() const;

private:
    QLabel* m_question;
    DiffView* m_diff;
};

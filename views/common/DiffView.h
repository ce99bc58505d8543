// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/diff/ObjectDiff.h"

#include <QPlainTextEdit>

// A read-only, monospaced unified diff: removed lines on red, added lines on green, unchanged
// context around them, "…" where unchanged lines are skipped.
class DiffView : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit DiffView(QWidget* parent = nullptr);

    void setDiff(const QList<DiffLine>& lines, const QString& whenUnchanged = {});
};

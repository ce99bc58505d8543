// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/HealthThresholds.h"

#include <QDialog>

class QDoubleSpinBox;

// Edits the error ratios at which nodes and edges turn degraded (orange) and failing (red), in
// percent, starting from Kiali's defaults so operators coming from Kiali see the same colours.
class HealthThresholdsDialog : public QDialog {
    Q_OBJECT
public:
    explicit HealthThresholdsDialog(const HealthThresholds& current, QWidget* parent = nullptr);

    // What the fields say; a failing threshold below its degraded one is raised to meet it.
    HealthThresholds thresholds() const;
    void setThresholds(const HealthThresholds& thresholds);

private:
    QDoubleSpinBox* m_serverDegraded;
    QDoubleSpinBox* m_serverFailing;
    QDoubleSpinBox* m_clientDegraded;
    QDoubleSpinBox* m_clientFailing;
};

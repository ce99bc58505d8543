// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/faults/GuardCondition.h"

#include <QList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

// The optional abort conditions of an experiment: when the watched service's (by default the
// mesh's entry service) success rate falls below X % or its p99 rises above Y ms, the experiment
// reverts on its own. Both off by default.
class GuardEditor : public QWidget {
    Q_OBJECT
public:
    explicit GuardEditor(QWidget* parent = nullptr);

    // The services a guard may watch, and the one chosen unless the operator picks another.
    void setServices(const QStringList& services, const QString& entryService);
    QList<GuardCondition> guards() const;
    // Why the chosen guards cannot run (none to watch); empty when they can.
    QString problem() const;

    QCheckBox* successRateBox() const { return m_successRate; }
    QDoubleSpinBox* successRateThreshold() const { return m_successThreshold; }
    QCheckBox* p99Box() const { return m_p99; }
    QSpinBox* p99Threshold() const { return m_p99Threshold; }
    QComboBox* serviceChooser() const { return m_service; }

Q_SIGNALS:
    void changed();

private:
    QComboBox* m_service;
    QCheckBox* m_successRate;
    QDoubleSpinBox* m_successThreshold;
    QCheckBox* m_p99;
    QSpinBox* m_p99Threshold;
    bool m_serviceChosen = false; // by the operator: kept when the entry service is recomputed
};

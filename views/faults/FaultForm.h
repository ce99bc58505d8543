// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/faults/FaultSpec.h"

#include <QWidget>

#include <chrono>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

// What a fault experiment does and for how long: a fixed delay (ms or s) or an abort (HTTP status
// or gRPC status), the share of requests, which requests (all, one route of the service's
// VirtualService, or those with a header NAME = VALUE) and the duration (default 5 minutes). The
// inputs accept values istiod refuses on purpose, so the panel can say which rule they break.
class FaultForm : public QWidget {
    Q_OBJECT
public:
    explicit FaultForm(QWidget* parent = nullptr);

    FaultSpec spec() const;
    std::chrono::seconds duration() const;
    // The http routes of the service's VirtualService, by name, for the "one route" scope.
    void setRoutes(const QStringList& routeNames);

    QComboBox* kindChooser() const { return m_kind; }
    QSpinBox* delayValue() const { return m_delay; }
    QComboBox* delayUnit() const { return m_delayUnit; }
    QComboBox* abortChooser() const { return m_abortKind; }
    QSpinBox* httpStatus() const { return m_httpStatus; }
    QComboBox* grpcStatus() const { return m_grpcStatus; }
    QDoubleSpinBox* percentage() const { return m_percentage; }
    QComboBox* scopeChooser() const { return m_scope; }
    QComboBox* routeChooser() const { return m_route; }
    QLineEdit* headerName() const { return m_headerName; }
    QLineEdit* headerValue() const { return m_headerValue; }
    QSpinBox* durationValue() const { return m_duration; }
    QComboBox* durationUnit() const { return m_durationUnit; }

Q_SIGNALS:
    void changed();

private:
    void showChoices();

    QComboBox* m_kind;
    QSpinBox* m_delay;
    QComboBox* m_delayUnit;
    QComboBox* m_abortKind;
    QSpinBox* m_httpStatus;
    QComboBox* m_grpcStatus;
    QDoubleSpinBox* m_percentage;
    QComboBox* m_scope;
    QComboBox* m_route;
    QLineEdit* m_headerName;
    QLineEdit* m_headerValue;
    QSpinBox* m_duration;
    QComboBox* m_durationUnit;
    QStackedWidget* m_what;
    QStackedWidget* m_where;
};

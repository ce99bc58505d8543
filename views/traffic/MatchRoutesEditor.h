// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/traffic/MatchRoutes.h"
#include "models/traffic/VariantNumbers.h"

#include <QWidget>

class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class TrafficSplitModel;

// The A/B part of the traffic panel: the service's match routes in the order Istio tries them,
// each removable, a form to send requests with a header, cookie, query parameter or URI prefix to
// one version, and the versions' live rate, errors and p95 side by side. It asks; the traffic
// panel checks, previews and sends.
class MatchRoutesEditor : public QWidget {
    Q_OBJECT
public:
    explicit MatchRoutesEditor(TrafficSplitModel* model, QWidget* parent = nullptr);

    void setVariantNumbers(const QList<VariantNumbers>& numbers);
    void setWritable(bool writable, const QString& reason = {});

    // For tests and keyboard users: the form's fields and its button.
    QComboBox* fieldChooser() const { return m_field; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* valueEdit() const { return m_value; }
    QComboBox* subsetChooser() const { return m_subset; }
    QPushButton* addButton() const { return m_add; }
    QList<QPushButton*> removeButtons() const { return m_removeButtons; }
    QTableWidget* variantTable() const { return m_variants; }
    int routeCount() const { return int(m_routes.size()); }
    QString routeText(int row) const;

Q_SIGNALS:
    void addRequested(const MatchCondition& condition, const QString& subset);
    void removeRequested(const MatchRoute& route);

private:
    void showRoutes();
    void updateForm();
    MatchCondition condition() const;

    TrafficSplitModel* m_model;
    QGridLayout* m_list;
    QList<MatchRoute> m_routes;
    QList<QLabel*> m_routeLabels;
    QList<QPushButton*> m_removeButtons;
    QComboBox* m_field;
    QLineEdit* m_name;
    QLineEdit* m_value;
    QComboBox* m_subset;
    QPushButton* m_add;
    QLabel* m_formProblem;
    QTableWidget* m_variants;
    bool m_writable = true;
    QString m_readOnlyReason;
};

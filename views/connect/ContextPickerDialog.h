// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

#include <functional>
#include <map>

class ContextCatalog;
class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class ReachabilityProbe;
struct Reachability;

// Every context of the kubeconfig with its server, user and namespace, each checked in the
// background (reachable, latency, identity, or the error); the namespace can be typed or picked
// from those the user may list. Accepting it names a context and namespace; it connects nothing.
class ContextPickerDialog : public QDialog {
    Q_OBJECT
public:
    // Where a session of a context would query Prometheus directly (empty: through the API server's
    // service proxy); each context's check asks there, so it says what connecting would give.
    using PrometheusUrlFor = std::function<QString(const QString& context)>;

    ContextPickerDialog(ContextCatalog* catalog, const QString& currentContext, const QString& currentNamespace,
                        const PrometheusUrlFor& prometheusUrlFor = {}, QWidget* parent = nullptr);
    ~ContextPickerDialog() override;

    QString chosenContext() const;
    QString chosenNamespace() const;
    void selectContext(const QString& name);
    void setNamespace(const QString& name);

    QTableView* table() const { return m_table; }
    QComboBox* namespaceBox() const { return m_namespace; }
    QLabel* namespaceNote() const { return m_namespaceNote; }
    QPushButton* connectButton() const { return m_connect; }

private:
    void onSelectionChanged();
    void onProbed(const QString& context, const Reachability& result);
    void fillNamespaces();

    ContextCatalog* m_catalog;
    QTableView* m_table;
    QComboBox* m_namespace;
    QLabel* m_namespaceNote;
    QPushButton* m_connect;
    // One probe per usable context, running while the dialog is open.
    std::map<QString, ReachabilityProbe*> m_probes;
    QString m_typedNamespace;
};

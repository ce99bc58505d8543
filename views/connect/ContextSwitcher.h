// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class ContextCatalog;
class QComboBox;
class QToolButton;

// The toolbar's context and namespace: pick a context or type or pick a namespace to switch at
// once, or open the full picker ("…") to see every context checked.
class ContextSwitcher : public QWidget {
    Q_OBJECT
public:
    explicit ContextSwitcher(ContextCatalog* catalog, QWidget* parent = nullptr);

    // Shows where the window is connected, without asking to switch.
    void setCurrent(const QString& context, const QString& namespaceName);
    // The namespaces offered for the current context; `mayList` false when the user may not list
    // them (the names are then the context's own), so the box says to type one.
    void setNamespaces(const QStringList& names, bool mayList = true);

    QComboBox* contextBox() const { return m_context; }
    QComboBox* namespaceBox() const { return m_namespace; }

Q_SIGNALS:
    void switchRequested(const QString& context, const QString& namespaceName);
    void pickerRequested();

private:
    ContextCatalog* m_catalog;
    QComboBox* m_context;
    QComboBox* m_namespace;
    QToolButton* m_more;
};

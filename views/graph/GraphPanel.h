// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "GraphStyle.h"

#include "models/graph/MeshGraphBuilder.h"

#include <QStringList>
#include <QWidget>

class GraphView;
class QAction;
class MeshGraphModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QToolBar;
class QToolButton;

// The graph with its toolbar: namespaces, graph kind, edge labels, idle toggle, find, focus, fit,
// zoom, animation and export, each with a keyboard shortcut. The page builds graphs with options()
// and rebuilds when optionsChanged() is emitted; it loads the namespaces() and reloads when
// namespacesChanged() is emitted. Below the toolbar one quiet line says what the user may not see.
class GraphPanel : public QWidget {
    Q_OBJECT
public:
    explicit GraphPanel(MeshGraphModel* model, QWidget* parent = nullptr);

    GraphView* view() const { return m_view; }
    GraphOptions options() const { return m_options; }
    void setGraphKind(GraphKind kind);
    void setShowIdle(bool show);
    EdgeLabel edgeLabel() const;
    void setEdgeLabel(EdgeLabel label);

    // The namespaces shown together; at least one. Setting them emits namespacesChanged() when they differ.
    QStringList namespaces() const { return m_namespaces; }
    void setNamespaces(const QStringList& namespaces);
    // Adds a namespace typed by hand (users who may not list namespaces); false, with a status
    // message, when the name cannot be a namespace.
    bool addNamespace(const QString& name);
    // The namespaces offered in the chooser; `listable` false: the user may not list namespaces,
    // so these are only the context's and "Add namespace…" is the way to others.
    void setAvailableNamespaces(const QStringList& names, bool listable);
    // What the loader could not read: shown in one line under the toolbar, every part in its tooltip.
    void setHiddenParts(const QList<HiddenPart>& hidden);
    QString hiddenText() const;
    QMenu* namespaceMenu() const { return m_namespaceMenu; }

Q_SIGNALS:
    void optionsChanged(const GraphOptions& options);
    void namespacesChanged(const QStringList& namespaces);
    void statusMessage(const QString& message);

private:
    void rebuildNamespaceMenu();
    void askForNamespace();
    void find();
    void exportView();
    void editHealthThresholds();
    void emitOptions();

    MeshGraphModel* m_model;
    GraphView* m_view;
    QToolBar* m_toolBar;
    QComboBox* m_kind;
    QComboBox* m_label;
    QLineEdit* m_find;
    QAction* m_idle = nullptr;
    QToolButton* m_namespaceButton;
    QMenu* m_namespaceMenu;
    QLabel* m_hidden;
    GraphOptions m_options;
    QStringList m_namespaces;
    QStringList m_available;
    bool m_listable = true;
    QStringList m_menuNames; // the names the menu holds now
    bool m_menuListable = false;
};

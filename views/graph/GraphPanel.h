// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "GraphStyle.h"

#include "models/graph/MeshGraphBuilder.h"

#include <QWidget>

class GraphView;
class MeshGraphModel;
class QComboBox;
class QLineEdit;
class QToolBar;

// The graph with its toolbar: graph kind, edge labels, idle toggle, find, focus, fit, zoom,
// animation and export, each with a keyboard shortcut. The page builds graphs with options() and
// rebuilds when optionsChanged() is emitted.
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

Q_SIGNALS:
    void optionsChanged(const GraphOptions& options);
    void statusMessage(const QString& message);

private:
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
    GraphOptions m_options;
};

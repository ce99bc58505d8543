// SPDX-License-Identifier: Apache-2.0
#include "GraphPanel.h"

#include "GraphExporter.h"
#include "GraphView.h"
#include "HealthThresholdsDialog.h"

#include "models/graph/MeshGraphModel.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

GraphPanel::GraphPanel(MeshGraphModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new GraphView(this))
    , m_toolBar(new QToolBar(this))
    , m_kind(new QComboBox(this))
    , m_label(new QComboBox(this))
    , m_find(new QLineEdit(this))
    , m_namespaceButton(new QToolButton(this))
    , m_namespaceMenu(new QMenu(this))
    , m_hidden(new QLabel(this))
{
    m_view->setModel(model);

    m_namespaceButton->setMenu(m_namespaceMenu);
    m_namespaceButton->setPopupMode(QToolButton::InstantPopup);
    m_namespaceButton->setToolTip(tr("The namespaces shown together in the graph"));
    // Each namespace ticked is added to those shown, each unticked taken away.
    connect(m_namespaceMenu, &QMenu::triggered, this, [this](QAction* action) {
        if (!action->isCheckable())
            return;
        QStringList chosen = m_namespaces;
        if (action->isChecked())
            chosen.append(action->text());
        else
            chosen.removeAll(action->text());
        if (chosen.isEmpty()) {
            action->setChecked(true); // the graph shows at least one namespace
            return;
        }
        setNamespaces(chosen);
    });
    m_hidden->setObjectName(QStringLiteral("hiddenParts"));
    m_hidden->setVisible(false);
    m_hidden->setWordWrap(false);
    // One line however long the server's reasons: the graph beside it keeps its width.
    m_hidden->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_hidden->setForegroundRole(QPalette::PlaceholderText);
    m_hidden->setContentsMargins(6, 2, 6, 2);
    m_hidden->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_kind->addItem(tr("Versioned app graph"), int(GraphKind::VersionedApp));
    m_kind->addItem(tr("Service graph"), int(GraphKind::Service));
    m_kind->addItem(tr("Workload graph"), int(GraphKind::Workload));
    m_kind->setToolTip(tr("What the nodes are"));
    connect(m_kind, &QComboBox::activated, this, [this] { setGraphKind(GraphKind(m_kind->currentData().toInt())); });

    const std::pair<EdgeLabel, QString> labels[] = {
        {EdgeLabel::RequestsPerSecond, tr("Requests/s")}, {EdgeLabel::Share, tr("Share of caller %")},
        {EdgeLabel::ErrorRate, tr("Error %")},             {EdgeLabel::LatencyP50, tr("Latency p50")},
        {EdgeLabel::LatencyP95, tr("Latency p95")},        {EdgeLabel::LatencyP99, tr("Latency p99")},
        {EdgeLabel::None, tr("No edge labels")},
    };
    for (const auto& [label, text] : labels)
        m_label->addItem(text, int(label));
    m_label->setToolTip(tr("The number written on each edge"));
    connect(m_label, &QComboBox::activated, this, [this] { setEdgeLabel(EdgeLabel(m_label->currentData().toInt())); });

    m_find->setPlaceholderText(tr("Find node (Ctrl+F)"));
    m_find->setClearButtonEnabled(true);
    m_find->setMaximumWidth(220);
    connect(m_find, &QLineEdit::returnPressed, this, &GraphPanel::find);

    m_toolBar->addWidget(m_namespaceButton);
    m_toolBar->addWidget(m_kind);
    m_toolBar->addWidget(m_label);
    m_idle = m_toolBar->addAction(tr("Idle"));
    m_idle->setCheckable(true);
    m_idle->setToolTip(tr("Show idle edges and nodes (I)"));
    m_idle->setShortcut(QKeySequence(Qt::Key_I));
    connect(m_idle, &QAction::toggled, this, &GraphPanel::setShowIdle);
    m_toolBar->addSeparator();
    m_toolBar->addWidget(m_find);
    auto* findAction = new QAction(tr("Find node"), this);
    findAction->setShortcut(QKeySequence::Find);
    connect(findAction, &QAction::triggered, m_find, [this] {
        m_find->setFocus();
        m_find->selectAll();
    });
    addAction(findAction);

    auto* focus = m_toolBar->addAction(tr("Focus"));
    focus->setToolTip(tr("Show only the selected node and its neighbours (F); Esc shows all"));
    focus->setShortcut(QKeySequence(Qt::Key_F));
    connect(focus, &QAction::triggered, this, [this] { m_view->focusNode(m_view->selectedNodeId()); });
    auto* unfocus = new QAction(tr("Show all nodes"), this);
    unfocus->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(unfocus, &QAction::triggered, this, [this] { m_view->focusNode({}); });
    addAction(unfocus);

    auto* fit = m_toolBar->addAction(tr("Fit"));
    fit->setToolTip(tr("Fit the graph to the window (0)"));
    fit->setShortcut(QKeySequence(Qt::Key_0));
    connect(fit, &QAction::triggered, m_view, &GraphView::fitToWindow);
    auto* zoomIn = new QAction(tr("Zoom in"), this);
    zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    connect(zoomIn, &QAction::triggered, m_view, [this] { m_view->zoomBy(1.25); });
    auto* zoomOut = new QAction(tr("Zoom out"), this);
    zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    connect(zoomOut, &QAction::triggered, m_view, [this] { m_view->zoomBy(0.8); });
    addActions({zoomIn, zoomOut});

    auto* animate = m_toolBar->addAction(tr("Traffic"));
    animate->setCheckable(true);
    animate->setToolTip(tr("Animate traffic along the edges; red dots are errors (Space pauses)"));
    animate->setShortcut(QKeySequence(Qt::Key_Space));
    connect(animate, &QAction::toggled, m_view, &GraphView::setAnimationRunning);

    auto* relayout = m_toolBar->addAction(tr("Re-layout"));
    relayout->setToolTip(tr("Lay the whole graph out afresh (nodes move)"));
    connect(relayout, &QAction::triggered, this, [this] {
        const MeshGraph current = m_model->graph();
        m_model->resetLayout();
        m_model->setGraph(current);
    });
    auto* health = m_toolBar->addAction(tr("Health…"));
    health->setToolTip(tr("Error shares at which nodes and edges turn orange and red (Kiali's by default)"));
    connect(health, &QAction::triggered, this, &GraphPanel::editHealthThresholds);
    auto* exportAction = m_toolBar->addAction(tr("Export…"));
    exportAction->setToolTip(tr("Save the view as PNG or SVG (Ctrl+E)"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAction, &QAction::triggered, this, &GraphPanel::exportView);
    // Shortcuts act while the graph or its toolbar has focus, not while typing elsewhere.
    for (QAction* action : m_toolBar->actions() + actions())
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_hidden);
    layout->addWidget(m_view);
    rebuildNamespaceMenu();
}

void GraphPanel::setNamespaces(const QStringList& namespaces)
{
    QStringList chosen = namespaces;
    chosen.removeAll(QString());
    chosen.removeDuplicates();
    if (chosen.isEmpty() || chosen == m_namespaces)
        return;
    m_namespaces = chosen;
    rebuildNamespaceMenu();
    Q_EMIT namespacesChanged(m_namespaces);
}

bool GraphPanel::addNamespace(const QString& name)
{
    const QString trimmed = name.trimmed();
    if (!isNamespaceName(trimmed)) {
        Q_EMIT statusMessage(tr("“%1” cannot be a namespace: lower-case letters, digits and '-', at most 63").arg(trimmed));
        return false;
    }
    if (!m_available.contains(trimmed)) {
        m_available.append(trimmed);
        m_available.sort();
    }
    if (m_namespaces.contains(trimmed))
        rebuildNamespaceMenu();
    else
        setNamespaces(m_namespaces + QStringList{trimmed});
    return true;
}

void GraphPanel::setAvailableNamespaces(const QStringList& names, bool listable)
{
    // Names typed by hand stay offered: a user who may not list namespaces has no other way back to them.
    QStringList offered = names;
    for (const QString& name : std::as_const(m_available)) {
        if (!offered.contains(name) && (!listable || m_namespaces.contains(name)))
            offered.append(name);
    }
    offered.sort();
    if (offered == m_available && listable == m_listable)
        return;
    m_available = offered;
    m_listable = listable;
    rebuildNamespaceMenu();
}

void GraphPanel::rebuildNamespaceMenu()
{
    QStringList offered = m_available;
    for (const QString& name : std::as_const(m_namespaces)) {
        if (!offered.contains(name))
            offered.append(name);
    }
    offered.sort();
    // Rebuilt only when the names offered change: a toggle arrives from inside the menu's own
    // triggered() signal, where deleting its action would pull it from under the caller.
    if (offered != m_menuNames || m_listable != m_menuListable) {
        m_menuNames = offered;
        m_menuListable = m_listable;
        m_namespaceMenu->clear();
        for (const QString& name : std::as_const(offered))
            m_namespaceMenu->addAction(name)->setCheckable(true);
        m_namespaceMenu->addSeparator();
        if (!m_listable) {
            QAction* note = m_namespaceMenu->addAction(tr("You may not list namespaces: add them by name"));
            note->setEnabled(false);
        }
        connect(m_namespaceMenu->addAction(tr("Add namespace…")), &QAction::triggered, this, &GraphPanel::askForNamespace);
    }
    const QList<QAction*> actions = m_namespaceMenu->actions();
    for (QAction* action : actions) {
        if (action->isCheckable())
            action->setChecked(m_namespaces.contains(action->text()));
    }
    const QString shown = m_namespaces.size() <= 2 ? m_namespaces.join(QStringLiteral(", "))
                                                   : tr("%1 namespaces").arg(m_namespaces.size());
    m_namespaceButton->setText(shown.isEmpty() ? tr("Namespace") : shown);
}

void GraphPanel::askForNamespace()
{
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Add namespace"));
    dialog->setLabelText(tr("Namespace to show beside %1:").arg(m_namespaces.join(QStringLiteral(", "))));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& name) { addNamespace(name); });
    dialog->open();
}

void GraphPanel::setHiddenParts(const QList<HiddenPart>& hidden)
{
    if (hidden.isEmpty()) {
        m_hidden->clear();
        m_hidden->setToolTip({});
        m_hidden->setVisible(false);
        return;
    }
    QStringList parts;
    for (const HiddenPart& part : hidden)
        parts.append(part.describe());
    QString line = tr("Hidden: %1").arg(parts.first());
    if (parts.size() > 1)
        line += tr(" (and %n more)", nullptr, int(parts.size() - 1));
    m_hidden->setText(line);
    m_hidden->setToolTip(tr("What your user may not read, as the cluster said:\n%1").arg(parts.join(u'\n')));
    m_hidden->setVisible(true);
}

QString GraphPanel::hiddenText() const
{
    return m_hidden->text();
}

EdgeLabel GraphPanel::edgeLabel() const
{
    return m_view->graphStyle().edgeLabel;
}

void GraphPanel::setEdgeLabel(EdgeLabel label)
{
    m_label->setCurrentIndex(m_label->findData(int(label)));
    m_view->setEdgeLabel(label);
}

void GraphPanel::setGraphKind(GraphKind kind)
{
    if (kind == m_options.kind)
        return;
    m_options.kind = kind;
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
    // Other nodes, other picture: the old positions mean nothing for the new kind.
    m_model->resetLayout();
    emitOptions();
}

void GraphPanel::setShowIdle(bool show)
{
    if (show == m_options.showIdle)
        return;
    m_options.showIdle = show;
    m_idle->setChecked(show);
    emitOptions();
}

void GraphPanel::editHealthThresholds()
{
    auto* dialog = new HealthThresholdsDialog(m_view->graphStyle().thresholds, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { m_view->setHealthThresholds(dialog->thresholds()); });
    dialog->open();
}

void GraphPanel::emitOptions()
{
    Q_EMIT optionsChanged(m_options);
}

void GraphPanel::find()
{
    const bool found = m_view->findNode(m_find->text());
    m_find->setStyleSheet(found || m_find->text().isEmpty() ? QString() : QStringLiteral("background: #fde2e0"));
    if (found)
        m_view->setFocus();
    else
        Q_EMIT statusMessage(tr("No node named like “%1”").arg(m_find->text()));
}

void GraphPanel::exportView()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Export graph"), QStringLiteral("mesh-graph.png"),
                                                      tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (file.isEmpty())
        return;
    const QString error = GraphExporter::write(m_view, file);
    Q_EMIT statusMessage(error.isEmpty() ? tr("Graph written to %1").arg(file) : error);
}

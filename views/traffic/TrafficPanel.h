// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/diff/ObjectDiff.h"

#include <nlohmann/json_fwd.hpp>

#include <QMap>
#include <QSet>
#include <QWidget>

#include <functional>
#include <optional>

class MatchRoutesEditor;
class QCheckBox;
class QComboBox;
class QGridLayout;
class QPushButton;
class QToolButton;
class QLabel;
class QSlider;
class QSpinBox;
class TrafficSplitModel;
class TrafficSplitWriter;

// The weighted split of the selected service: one slider per subset with a lock, "evenly", canary
// steps with promote and roll back, and a blue/green switch with switch-back. Dragging previews the
// rebalanced split; releasing sends it, or the drag applies live when the operator asks for that.
// The last change MeshDeck made can be undone in one click while the cluster still has it, and
// every change can be previewed as a YAML diff before it is sent. Every change is checked first (a subset without ready pods
// or all weights at 0 is refused with what to fix) and a change moving more than half the traffic
// at once asks for confirmation. The sliders always return to what the cluster reports.
class TrafficPanel : public QWidget {
    Q_OBJECT
public:
    TrafficPanel(TrafficSplitModel* model, TrafficSplitWriter* writer, QWidget* parent = nullptr);

    int sliderCount() const { return int(m_rows.size()); }
    QSlider* slider(int row) const { return m_rows.at(row).slider; }
    QSpinBox* spinBox(int row) const { return m_rows.at(row).spin; }
    QString statusText() const;
    QString warningText() const;
    QToolButton* lockButton(int row) const { return m_rows.at(row).lock; }
    QComboBox* targetChooser() const { return m_target; }
    // Canary steps, promote, roll back, evenly, switch and switch back, by their text.
    QPushButton* actionButton(const QString& text) const;
    QCheckBox* applyWhileDraggingBox() const { return m_applyWhileDragging; }
    QCheckBox* previewChangesBox() const { return m_previewChanges; }
    QPushButton* undoButton() const { return m_undo; }
    QPushButton* createRoutingButton() const { return m_createRouting; }
    MatchRoutesEditor* matchRoutesEditor() const { return m_matchRoutes; }

    // Disables every control when the operator may not change the service's routing, saying why
    // (from the cluster's access review); the panel still shows the split.
    void setWriteAccess(bool allowed, const QString& reason = {});
    bool isWritable() const { return m_writable; }

    // Asked before a change that moves more than half the traffic, and before every change while
    // "Preview changes" is on (then `diff` shows what the change does to the VirtualService);
    // returns whether to go ahead. The default asks the operator in a dialog.
    using Confirmation = std::function<bool(const QString& question, const QList<DiffLine>& diff)>;
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }
    static constexpr int ConfirmAbovePercent = 50;

private:
    struct Row {
        QString subset;
        QLabel* name = nullptr;
        QSlider* slider = nullptr;
        QSpinBox* spin = nullptr;
        QLabel* share = nullptr;
        QToolButton* lock = nullptr;
    };

    void rebuildRows();
    void showModelValues();
    void preview(int row, int percent);
    void commit(int row, int percent);
    void showWeights(const QMap<QString, int>& weights);
    // Sends weights after checking them; a move of more than half the traffic away from `baseline`
    // (the cluster's split, or where a drag started) asks first.
    void send(const QMap<QString, int>& weights, const QString& why, const QMap<QString, int>& baseline);
    void send(const QMap<QString, int>& weights, const QString& why);
    void write(const QMap<QString, int>& weights, const QString& why, const QMap<QString, int>& baseline);
    void undo();
    void createRouting();
    void sendRouteEdit(const std::function<QString(nlohmann::json&)>& edit, const QString& summary);
    bool undoAvailable() const;
    QSet<QString> lockedSubsets() const;
    void buildActions(QLayout* layout);
    void updateActions();
    void setStatus(const QString& text, bool error = false, bool outcome = false);

    TrafficSplitModel* m_model;
    TrafficSplitWriter* m_writer;
    QLabel* m_title;
    QLabel* m_status;
    QGridLayout* m_grid;
    QList<Row> m_rows;
    QComboBox* m_target = nullptr;
    QLabel* m_live = nullptr;
    QPushButton* m_switchBack = nullptr;
    QList<QPushButton*> m_actions;
    QString m_previousLive; // what a blue/green switch moved away from
    Confirmation m_confirm;
    QString m_readOnlyReason;
    bool m_writable = true;
    bool m_dragging = false;
    QMap<QString, int> m_dragStart;
    QCheckBox* m_applyWhileDragging = nullptr;
    QCheckBox* m_previewChanges = nullptr;
    QPushButton* m_undo = nullptr;
    QPushButton* m_createRouting = nullptr;
    QLabel* m_warnings = nullptr;
    MatchRoutesEditor* m_matchRoutes = nullptr;
    // A split MeshDeck sent: what the service had before, what was sent, and why.
    struct SentSplit {
        QString service;
        QMap<QString, int> before;
        QMap<QString, int> after;
        QString why;
    };
    SentSplit m_sent;
    std::optional<SentSplit> m_undoStep; // the last accepted one
};

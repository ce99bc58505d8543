// SPDX-License-Identifier: Apache-2.0
#include "TrafficPanel.h"

#include "ChangePreviewDialog.h"
#include "MatchRoutesEditor.h"

#include "views/style/VersionPalette.h"

#include "models/traffic/TrafficSplitModel.h"
#include "models/traffic/TrafficSplitWriter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

TrafficPanel::TrafficPanel(TrafficSplitModel* model, TrafficSplitWriter* writer, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_writer(writer)
    , m_title(new QLabel(this))
    , m_status(new QLabel(this))
    , m_grid(new QGridLayout)
{
    auto* layout = new QVBoxLayout(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_status->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addLayout(m_grid);
    m_applyWhileDragging = new QCheckBox(tr("Apply while dragging"), this);
    m_applyWhileDragging->setToolTip(tr("Send the split as the slider moves (at most 4 changes a second, the last "
                                        "one always), instead of on release"));
    m_previewChanges = new QCheckBox(tr("Preview changes"), this);
    m_previewChanges->setToolTip(tr("Show what each change does to the VirtualService, as a YAML diff, before sending it"));
    // A preview per slider step would be unusable: the two ways of sending exclude each other.
    connect(m_applyWhileDragging, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_previewChanges->setChecked(false);
    });
    connect(m_previewChanges, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_applyWhileDragging->setChecked(false);
    });
    auto* modes = new QHBoxLayout;
    modes->addWidget(m_applyWhileDragging);
    modes->addWidget(m_previewChanges);
    modes->addStretch();
    layout->addLayout(modes);
    buildActions(layout);
    m_warnings = new QLabel(this);
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("color: #8A5A00;"));
    layout->addWidget(m_warnings);
    layout->addWidget(m_status);
    m_confirm = [this](const QString& question, const QList<DiffLine>& diff) {
        if (diff.isEmpty())
            return QMessageBox::question(this, tr("Move traffic"), question) == QMessageBox::Yes;
        return ChangePreviewDialog(question, diff, this).exec() == QDialog::Accepted;
    };
    layout->addStretch();

    connect(model, &QAbstractItemModel::modelReset, this, &TrafficPanel::rebuildRows);
    connect(model, &QAbstractItemModel::dataChanged, this, &TrafficPanel::showModelValues);
    connect(model, &TrafficSplitModel::splitChanged, this, &TrafficPanel::updateActions);
    connect(model, &TrafficSplitModel::splitChanged, this, [this] {
        if (m_model->service() != m_sent.service)
            m_undoStep.reset(); // another service: its undo would surprise
    });
    connect(model, &TrafficSplitModel::splitChanged, this, [this] {
        m_title->setText(m_model->service().isEmpty() ? tr("Traffic") : tr("Traffic to %1").arg(m_model->service()));
        if (!m_model->problem().isEmpty())
            setStatus(m_model->problem());
        else if (!m_writer->isApplying() && !m_status->property("outcome").toBool())
            setStatus(tr("%1 %2 · as the cluster reports it").arg(m_model->routeKindName(), m_model->routeObjectName()));
    });
    connect(writer, &TrafficSplitWriter::applyingChanged, this, [this](bool applying) {
        if (applying)
            setStatus(tr("Applying…"));
    });
    connect(writer, &TrafficSplitWriter::applied, this, [this](const QString& name, int attempts) {
        if (attempts > 0)
            m_undoStep = m_sent;
        updateActions();
        const QString kind = m_model->routeKindName();
        setStatus(attempts > 1 ? tr("%1 %2 changed under us; your split was re-applied to its new state and accepted.").arg(kind, name)
                               : tr("%1 %2 accepted the change; showing the cluster's state.").arg(kind, name),
                  false, true);
    });
    connect(writer, &TrafficSplitWriter::routingCreated, this, [this](const QStringList& objects) {
        setStatus(tr("Created %1; the sliders appear once the cluster reports them.").arg(objects.join(tr(" and "))), false, true);
    });
    connect(writer, &TrafficSplitWriter::failed, this, [this](const QString& message) {
        setStatus(tr("Not applied: %1").arg(message), true, true);
        showModelValues();
    });
    rebuildRows();
}

QString TrafficPanel::statusText() const
{
    return m_status->text();
}

QString TrafficPanel::warningText() const
{
    return m_warnings->text();
}

void TrafficPanel::setStatus(const QString& text, bool error, bool outcome)
{
    m_status->setText(text);
    // The outcome of the operator's last write stays up until the next one; refreshes of the
    // cluster's state do not overwrite it.
    m_status->setProperty("outcome", outcome);
    m_status->setStyleSheet(error ? QStringLiteral("color: #C9190B;") : QString());
}

void TrafficPanel::rebuildRows()
{
    for (const Row& row : std::as_const(m_rows)) {
        delete row.name;
        delete row.slider;
        delete row.spin;
        delete row.share;
        delete row.lock;
    }
    m_rows.clear();

    for (int i = 0; i < m_model->rowCount(); ++i) {
        const QModelIndex index = m_model->index(i);
        Row row;
        row.subset = index.data(TrafficSplitModel::SubsetRole).toString();
        row.name = new QLabel(this);
        row.slider = new QSlider(Qt::Horizontal, this);
        row.slider->setRange(0, 100);
        row.slider->setAccessibleName(tr("Share of traffic to %1").arg(row.subset));
        row.spin = new QSpinBox(this);
        row.spin->setRange(0, 100);
        row.spin->setSuffix(QStringLiteral(" %"));
        row.share = new QLabel(this);
        row.lock = new QToolButton(this);
        row.lock->setText(tr("lock"));
        row.lock->setCheckable(true);
        row.lock->setToolTip(tr("Keep %1's share while other sliders move").arg(row.subset));
        const QColor color = VersionPalette::colorFor(row.subset);
        row.slider->setStyleSheet(QStringLiteral("QSlider::sub-page:horizontal { background: %1; }").arg(color.name()));
        m_grid->addWidget(row.name, i, 0);
        m_grid->addWidget(row.slider, i, 1);
        m_grid->addWidget(row.spin, i, 2);
        m_grid->addWidget(row.share, i, 3);
        m_grid->addWidget(row.lock, i, 4);
        connect(row.lock, &QToolButton::toggled, row.slider, &QSlider::setDisabled);
        connect(row.lock, &QToolButton::toggled, row.spin, &QSpinBox::setDisabled);

        connect(row.slider, &QSlider::sliderPressed, this, [this] {
            m_dragging = true;
            m_dragStart = m_model->weights();
        });
        connect(row.slider, &QSlider::sliderMoved, this, [this, i](int value) { preview(i, value); });
        connect(row.slider, &QSlider::sliderReleased, this, [this, i] {
            m_dragging = false;
            commit(i, m_rows.at(i).slider->value());
            m_dragStart.clear();
        });
        // Keyboard, wheel and page steps change the value without a drag; programmatic updates are
        // made with signals blocked, so only the operator's changes arrive here.
        connect(row.slider, &QSlider::valueChanged, this, [this, i](int value) {
            if (!m_dragging)
                commit(i, value);
        });
        connect(row.spin, &QSpinBox::editingFinished, this, [this, i] { commit(i, m_rows.at(i).spin->value()); });
        m_rows.append(row);
    }
    if (!m_writable)
        setWriteAccess(false, m_readOnlyReason);
    showModelValues();
}

void TrafficPanel::showModelValues()
{
    if (m_dragging)
        return; // never yank a slider from under the operator's mouse
    for (int i = 0; i < m_rows.size() && i < m_model->rowCount(); ++i) {
        const QModelIndex index = m_model->index(i);
        const Row& row = m_rows.at(i);
        const int share = qRound(index.data(TrafficSplitModel::ShareRole).toDouble());
        const int ready = index.data(TrafficSplitModel::ReadyPodsRole).toInt();
        row.name->setText(tr("<b>%1</b><br><small>%2 ready pods</small>").arg(row.subset).arg(ready));
        const QString workloads = index.data(TrafficSplitModel::WorkloadsRole).toString();
        row.name->setToolTip(workloads.isEmpty() ? tr("Subset %1 selects no pods").arg(row.subset)
                                                 : tr("Subset %1 selects %2").arg(row.subset, workloads));
        const QSignalBlocker blockSlider(row.slider);
        const QSignalBlocker blockSpin(row.spin);
        row.slider->setValue(share);
        row.spin->setValue(share);
        row.share->setText(tr("weight %1").arg(index.data(TrafficSplitModel::WeightRole).toInt()));
    }
}

void TrafficPanel::showWeights(const QMap<QString, int>& weights)
{
    for (const Row& row : std::as_const(m_rows)) {
        const QSignalBlocker blockSlider(row.slider);
        const QSignalBlocker blockSpin(row.spin);
        row.slider->setValue(weights.value(row.subset));
        row.spin->setValue(weights.value(row.subset));
    }
}

QSet<QString> TrafficPanel::lockedSubsets() const
{
    QSet<QString> locked;
    for (const Row& row : m_rows) {
        if (row.lock->isChecked())
            locked.insert(row.subset);
    }
    return locked;
}

void TrafficPanel::preview(int row, int percent)
{
    // A drag rebalances from where it started, so the other sliders do not jitter as the
    // cluster's answers to live writes come in.
    const QString subset = m_rows.at(row).subset;
    const QMap<QString, int> baseline = m_dragStart.isEmpty() ? m_model->weights() : m_dragStart;
    const QMap<QString, int> weights = TrafficSplitModel::rebalanced(baseline, subset, percent, lockedSubsets());
    showWeights(weights);
    if (!m_applyWhileDragging->isChecked() || weights == baseline)
        return;
    const QString problem = m_model->problemWith(weights);
    if (!problem.isEmpty()) {
        setStatus(tr("Not sent while dragging: %1").arg(problem), true);
    } else if (TrafficSplitModel::movedPercent(baseline, weights) > ConfirmAbovePercent) {
        // Big moves are confirmed even live: the drag pauses here until the operator releases.
        setStatus(tr("This drag moves more than half of the traffic: release to confirm it."));
    } else {
        write(weights, tr("traffic panel: dragging %1 to %2 %").arg(subset).arg(percent), baseline);
    }
}

void TrafficPanel::commit(int row, int percent)
{
    const QString subset = m_rows.at(row).subset;
    const QMap<QString, int> baseline = m_dragStart.isEmpty() ? m_model->weights() : m_dragStart;
    send(TrafficSplitModel::rebalanced(baseline, subset, percent, lockedSubsets()),
         tr("traffic panel: %1 set to %2 %").arg(subset).arg(percent), baseline);
}

void TrafficPanel::send(const QMap<QString, int>& weights, const QString& why, const QMap<QString, int>& baseline)
{
    showWeights(weights);
    if (weights == m_model->weights() && !m_writer->isApplying())
        return;
    const QString problem = m_model->problemWith(weights);
    if (!problem.isEmpty()) {
        setStatus(tr("Not sent: %1").arg(problem), true, true);
        showModelValues();
        return;
    }
    const int moved = TrafficSplitModel::movedPercent(baseline, weights);
    const bool preview = m_previewChanges->isChecked();
    if (moved > ConfirmAbovePercent || preview) {
        QStringList shares;
        for (auto it = weights.cbegin(); it != weights.cend(); ++it)
            shares.append(tr("%1 → %2 %").arg(it.key()).arg(it.value()));
        const QString question = moved > ConfirmAbovePercent
            ? tr("This moves %1 % of %2's traffic at once: %3. Apply it?").arg(moved).arg(m_model->service(), shares.join(QStringLiteral(", ")))
            : tr("Send %1 to %2 %3?").arg(shares.join(QStringLiteral(", ")), m_model->routeKindName(), m_model->routeObjectName());
        // Big moves are always shown as a diff too: the operator sees exactly what will change.
        if (!m_confirm(question, m_model->previewOf(weights))) {
            setStatus(tr("Not sent: you cancelled the change."), false, true);
            showModelValues();
            return;
        }
    }
    write(weights, why, baseline);
}

void TrafficPanel::send(const QMap<QString, int>& weights, const QString& why)
{
    send(weights, why, m_model->weights());
}

void TrafficPanel::write(const QMap<QString, int>& percentages, const QString& why, const QMap<QString, int>& baseline)
{
    const QMap<QString, int> weights = m_model->onCurrentScale(percentages);
    m_sent = {m_model->service(), baseline, weights, why};
    m_writer->apply({m_model->namespaceName(), m_model->service(), m_model->routeKindName(), m_model->routeObjectName(), weights,
                     m_model->routeObject(), why, {}, {}});
}

void TrafficPanel::sendRouteEdit(const std::function<QString(nlohmann::json&)>& edit, const QString& summary)
{
    QString problem;
    const QList<DiffLine> diff = m_model->previewOfEdit(edit, &problem);
    if (!problem.isEmpty()) {
        setStatus(tr("Not sent: %1").arg(problem), true, true);
        return;
    }
    if (m_previewChanges->isChecked() && !m_confirm(tr("%1. Apply it to VirtualService %2?").arg(summary, m_model->routeObjectName()), diff)) {
        setStatus(tr("Not sent: you cancelled the change."), false, true);
        return;
    }
    m_sent = {}; // Undo covers splits; a route edit is undone by its opposite
    m_writer->apply({m_model->namespaceName(), m_model->service(), m_model->routeKindName(), m_model->routeObjectName(), {},
                     m_model->routeObject(), tr("traffic panel: %1").arg(summary), edit, summary});
}

void TrafficPanel::createRouting()
{
    QString problem;
    const QList<RawObject> objects = m_model->missingRoutingObjects(&problem);
    if (objects.isEmpty()) {
        setStatus(tr("Nothing created: %1").arg(problem), true, true);
        return;
    }
    const QString question = tr("Create these objects so %1's traffic can be split by version? Traffic keeps flowing "
                                "as it does now: each version weighted by its ready pods.")
                                 .arg(m_model->service());
    if (!m_confirm(question, m_model->missingRoutingPreview())) {
        setStatus(tr("Nothing created: you cancelled."), false, true);
        return;
    }
    setStatus(tr("Creating…"));
    m_writer->createRouting(m_model->service(), objects);
}

void TrafficPanel::undo()
{
    if (!m_undoStep || !undoAvailable())
        return;
    const SentSplit step = *m_undoStep;
    m_undoStep.reset();
    const QString problem = m_model->problemWith(step.before);
    if (!problem.isEmpty()) {
        setStatus(tr("Cannot undo: %1").arg(problem), true, true);
        updateActions();
        return;
    }
    // No confirmation: the split being restored is the one the cluster ran moments ago. The undo
    // is itself undoable, like any other change.
    write(step.before, tr("undo of \"%1\"").arg(step.why), step.after);
    updateActions();
}

bool TrafficPanel::undoAvailable() const
{
    // Only while the cluster still has what MeshDeck sent: after anyone else's change, putting the
    // old split back would silently undo theirs too.
    return m_writable && m_undoStep && m_undoStep->service == m_model->service()
        && m_model->weights() == m_undoStep->after;
}

QPushButton* TrafficPanel::actionButton(const QString& text) const
{
    for (QPushButton* button : m_actions) {
        if (button->text() == text)
            return button;
    }
    return nullptr;
}

void TrafficPanel::buildActions(QLayout* layout)
{
    auto add = [this](QHBoxLayout* line, const QString& text, const QString& tip, std::function<void()> action) {
        auto* button = new QPushButton(text, this);
        button->setToolTip(tip);
        button->setAutoDefault(false);
        connect(button, &QPushButton::clicked, this, std::move(action));
        line->addWidget(button);
        m_actions.append(button);
        return button;
    };
    auto target = [this] { return m_target->currentText(); };

    auto* canary = new QHBoxLayout;
    m_target = new QComboBox(this);
    m_target->setToolTip(tr("The version the canary steps, promote and the blue/green switch move traffic to"));
    canary->addWidget(new QLabel(tr("Target"), this));
    canary->addWidget(m_target);
    for (int step : {1, 5, 10, 25, 50}) {
        add(canary, tr("%1 %").arg(step), tr("Send %1 % of the traffic to the target").arg(step), [this, step, target] {
            send(TrafficSplitModel::rebalanced(m_model->weights(), target(), step, lockedSubsets()),
                 tr("canary step: %1 to %2 %").arg(target()).arg(step));
        });
    }
    canary->addStretch();
    static_cast<QBoxLayout*>(layout)->addLayout(canary);

    auto* release = new QHBoxLayout;
    add(release, tr("Promote"), tr("Send all traffic to the target"), [this, target] {
        send(TrafficSplitModel::rebalanced(m_model->weights(), target(), 100), tr("canary promoted: all to %1").arg(target()));
    });
    add(release, tr("Roll back"), tr("Send all traffic back to the version carrying the most besides the target"),
        [this, target] {
            QString stable;
            int highest = -1;
            const QMap<QString, int> weights = m_model->weights();
            for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
                if (it.key() != target() && it.value() > highest) {
                    highest = it.value();
                    stable = it.key();
                }
            }
            if (!stable.isEmpty())
                send(TrafficSplitModel::rebalanced(weights, stable, 100), tr("canary rolled back: all to %1").arg(stable));
        });
    add(release, tr("Evenly"), tr("Give every unlocked version the same share"), [this] {
        send(TrafficSplitModel::evenly(m_model->weights(), lockedSubsets()), tr("traffic panel: evenly"));
    });
    m_createRouting = new QPushButton(tr("Create routing…"), this);
    m_createRouting->setAutoDefault(false);
    m_createRouting->setToolTip(tr("Create the VirtualService and DestinationRule this service lacks, keeping today's traffic"));
    connect(m_createRouting, &QPushButton::clicked, this, &TrafficPanel::createRouting);
    static_cast<QBoxLayout*>(layout)->addWidget(m_createRouting);
    m_undo = new QPushButton(tr("Undo"), this);
    m_undo->setAutoDefault(false);
    m_undo->setShortcut(QKeySequence::Undo);
    connect(m_undo, &QPushButton::clicked, this, &TrafficPanel::undo);
    release->addWidget(m_undo);
    release->addStretch();
    static_cast<QBoxLayout*>(layout)->addLayout(release);

    auto* blueGreen = new QHBoxLayout;
    m_live = new QLabel(this);
    blueGreen->addWidget(m_live);
    add(blueGreen, tr("Switch"), tr("Blue/green: move all traffic to the target in one step"), [this, target] {
        const QString from = m_model->liveSubset();
        m_previousLive = from;
        send(TrafficSplitModel::rebalanced(m_model->weights(), target(), 100),
             tr("blue/green switch: %1 to %2").arg(from, target()));
        updateActions();
    });
    m_switchBack = add(blueGreen, tr("Switch back"), tr("Blue/green: return all traffic to where it was"), [this] {
        if (m_previousLive.isEmpty())
            return;
        send(TrafficSplitModel::rebalanced(m_model->weights(), m_previousLive, 100),
             tr("blue/green switch back to %1").arg(m_previousLive));
        m_previousLive.clear();
        updateActions();
    });
    blueGreen->addStretch();
    static_cast<QBoxLayout*>(layout)->addLayout(blueGreen);

    m_matchRoutes = new MatchRoutesEditor(m_model, this);
    connect(m_matchRoutes, &MatchRoutesEditor::addRequested, this, [this](const MatchCondition& condition, const QString& subset) {
        MeshTopology scope; // enough to resolve the service's host names
        scope.namespaceName = m_model->namespaceName();
        const QString service = m_model->service();
        const QString summary = tr("A/B route added: %1 → %2")
                                    .arg(MatchRoutes::describe(condition), subset);
        sendRouteEdit([scope, service, condition, subset](nlohmann::json& object) {
            return MatchRoutes::add(object, scope, service, condition, subset);
        }, summary);
    });
    connect(m_matchRoutes, &MatchRoutesEditor::removeRequested, this, [this](const MatchRoute& route) {
        sendRouteEdit([route](nlohmann::json& object) { return MatchRoutes::remove(object, route.httpIndex, route.description); },
                      tr("A/B route removed: %1 → %2").arg(route.description, route.destination));
    });
    static_cast<QBoxLayout*>(layout)->addWidget(m_matchRoutes);
}

void TrafficPanel::setWriteAccess(bool allowed, const QString& reason)
{
    m_writable = allowed;
    m_readOnlyReason = reason;
    m_matchRoutes->setWritable(allowed, reason);
    for (const Row& row : std::as_const(m_rows)) {
        const bool enabled = allowed && !row.lock->isChecked();
        row.slider->setEnabled(enabled);
        row.spin->setEnabled(enabled);
        row.lock->setEnabled(allowed);
        for (QWidget* w : {static_cast<QWidget*>(row.slider), static_cast<QWidget*>(row.spin)})
            w->setToolTip(allowed ? QString() : reason);
    }
    updateActions();
    if (!allowed)
        setStatus(tr("Read-only: %1").arg(reason), false, true);
}

void TrafficPanel::updateActions()
{
    const bool usable = m_writable && m_model->problem().isEmpty() && m_model->rowCount() > 0;
    const QString chosen = m_target->currentText();
    const QSignalBlocker block(m_target);
    m_target->clear();
    for (int i = 0; i < m_model->rowCount(); ++i)
        m_target->addItem(m_model->index(i).data(TrafficSplitModel::SubsetRole).toString());
    const QString live = m_model->liveSubset();
    // Default target: the version not carrying the traffic, which is the one a release moves to.
    int index = m_target->findText(chosen);
    if (index < 0) {
        for (int i = 0; i < m_target->count() && index < 0; ++i) {
            if (m_target->itemText(i) != live)
                index = i;
        }
    }
    m_target->setCurrentIndex(std::max(0, index));
    for (QPushButton* button : std::as_const(m_actions)) {
        button->setEnabled(usable);
        button->setToolTip(m_writable ? button->toolTip() : m_readOnlyReason);
    }
    m_target->setEnabled(usable);
    m_switchBack->setEnabled(usable && !m_previousLive.isEmpty());
    m_applyWhileDragging->setEnabled(usable);
    m_undo->setEnabled(usable && undoAvailable());
    const QStringList warnings = m_model->warnings();
    m_warnings->setText(warnings.isEmpty() ? QString() : tr("⚠ %1").arg(warnings.join(QStringLiteral("\n⚠ "))));
    m_warnings->setVisible(!warnings.isEmpty());
    m_createRouting->setVisible(m_writable && !m_model->service().isEmpty() && !m_model->missingRoutingObjects().isEmpty());
    if (m_undoStep) {
        QStringList shares;
        for (auto it = m_undoStep->before.cbegin(); it != m_undoStep->before.cend(); ++it)
            shares.append(tr("%1 %2 %").arg(it.key()).arg(it.value()));
        m_undo->setToolTip(undoAvailable() ? tr("Put back %1 (Ctrl+Z)").arg(shares.join(QStringLiteral(", ")))
                                           : tr("The split changed since MeshDeck's last change; nothing to undo"));
    } else {
        m_undo->setToolTip(tr("Nothing to undo yet"));
    }
    m_live->setText(usable ? tr("Live: <b>%1</b>").arg(live) : QString());
}

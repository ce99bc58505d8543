// SPDX-License-Identifier: Apache-2.0
#include "TrafficPanel.h"

#include "views/style/VersionPalette.h"

#include "models/traffic/TrafficSplitModel.h"
#include "models/traffic/TrafficSplitWriter.h"

#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

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
    layout->addWidget(m_status);
    layout->addStretch();

    connect(model, &QAbstractItemModel::modelReset, this, &TrafficPanel::rebuildRows);
    connect(model, &QAbstractItemModel::dataChanged, this, &TrafficPanel::showModelValues);
    connect(model, &TrafficSplitModel::splitChanged, this, [this] {
        m_title->setText(m_model->service().isEmpty() ? tr("Traffic") : tr("Traffic to %1").arg(m_model->service()));
        if (!m_model->problem().isEmpty())
            setStatus(m_model->problem());
        else if (!m_writer->isApplying() && !m_status->property("outcome").toBool())
            setStatus(tr("VirtualService %1 · as the cluster reports it").arg(m_model->virtualServiceName()));
    });
    connect(writer, &TrafficSplitWriter::applyingChanged, this, [this](bool applying) {
        if (applying)
            setStatus(tr("Applying…"));
    });
    connect(writer, &TrafficSplitWriter::applied, this, [this](const QString& name, int attempts) {
        setStatus(attempts > 1 ? tr("VirtualService %1 changed under us; your split was re-applied to its new state "
                                    "and accepted.")
                                     .arg(name)
                               : tr("VirtualService %1 accepted the change; showing the cluster's state.").arg(name),
                  false, true);
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
        const QColor color = VersionPalette::colorFor(row.subset);
        row.slider->setStyleSheet(QStringLiteral("QSlider::sub-page:horizontal { background: %1; }").arg(color.name()));
        m_grid->addWidget(row.name, i, 0);
        m_grid->addWidget(row.slider, i, 1);
        m_grid->addWidget(row.spin, i, 2);
        m_grid->addWidget(row.share, i, 3);

        connect(row.slider, &QSlider::sliderPressed, this, [this] { m_dragging = true; });
        connect(row.slider, &QSlider::sliderMoved, this, [this, i](int value) { preview(i, value); });
        connect(row.slider, &QSlider::sliderReleased, this, [this, i] {
            m_dragging = false;
            commit(i, m_rows.at(i).slider->value());
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

void TrafficPanel::preview(int row, int percent)
{
    showWeights(TrafficSplitModel::rebalanced(m_model->weights(), m_rows.at(row).subset, percent));
}

void TrafficPanel::commit(int row, int percent)
{
    const QMap<QString, int> weights = TrafficSplitModel::rebalanced(m_model->weights(), m_rows.at(row).subset, percent);
    showWeights(weights);
    if (weights == m_model->weights())
        return;
    m_writer->apply({m_model->namespaceName(), m_model->service(), m_model->virtualServiceName(), weights,
                     m_model->virtualServiceObject(),
                     tr("traffic panel: %1 set to %2 %").arg(m_rows.at(row).subset).arg(percent)});
}

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMap>
#include <QWidget>

class QGridLayout;
class QLabel;
class QSlider;
class QSpinBox;
class TrafficSplitModel;
class TrafficSplitWriter;

// The weighted split of the selected service: one slider per subset. Dragging previews the
// rebalanced split; releasing sends it. The sliders always return to what the cluster reports.
class TrafficPanel : public QWidget {
    Q_OBJECT
public:
    TrafficPanel(TrafficSplitModel* model, TrafficSplitWriter* writer, QWidget* parent = nullptr);

    int sliderCount() const { return int(m_rows.size()); }
    QSlider* slider(int row) const { return m_rows.at(row).slider; }
    QSpinBox* spinBox(int row) const { return m_rows.at(row).spin; }
    QString statusText() const;

private:
    struct Row {
        QString subset;
        QLabel* name = nullptr;
        QSlider* slider = nullptr;
        QSpinBox* spin = nullptr;
        QLabel* share = nullptr;
    };

    void rebuildRows();
    void showModelValues();
    void preview(int row, int percent);
    void commit(int row, int percent);
    void showWeights(const QMap<QString, int>& weights);
    void setStatus(const QString& text, bool error = false, bool outcome = false);

    TrafficSplitModel* m_model;
    TrafficSplitWriter* m_writer;
    QLabel* m_title;
    QLabel* m_status;
    QGridLayout* m_grid;
    QList<Row> m_rows;
    bool m_dragging = false;
};

// SPDX-License-Identifier: Apache-2.0
#include "ExperimentList.h"

#include "models/faults/ExperimentRegistry.h"
#include "models/faults/ExperimentRunner.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ExperimentList::ExperimentList(ExperimentRegistry* registry, ExperimentRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_registry(registry)
    , m_runner(runner)
    , m_layout(new QVBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(2);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &ExperimentList::tick);
    connect(registry, &ExperimentRegistry::experimentsChanged, this, &ExperimentList::rebuild);
    // A revert that failed leaves the experiment running: its Stop can be pressed again.
    connect(runner, &ExperimentRunner::failed, this, [this] {
        for (const Row& row : std::as_const(m_rows)) {
            row.stop->setProperty("stopping", QVariant());
            row.stop->setText(tr("Stop"));
        }
        setWriteAccess(m_writable, m_readOnlyReason);
    });
    rebuild();
}

void ExperimentList::setService(const QString& namespaceName, const QString& service)
{
    m_namespace = namespaceName;
    m_service = service;
    rebuild();
}

void ExperimentList::setWriteAccess(bool allowed, const QString& reason)
{
    m_writable = allowed;
    m_readOnlyReason = reason;
    for (const Row& row : std::as_const(m_rows)) {
        row.stop->setEnabled(allowed && row.stop->property("stopping").isNull());
        row.stop->setToolTip(allowed ? tr("Revert this fault now") : reason);
    }
}

QString ExperimentList::rowText(int row) const
{
    return m_rows.at(row).text->text();
}

void ExperimentList::rebuild()
{
    const QList<Experiment> shown =
        m_service.isEmpty() ? m_registry->experiments() : m_registry->forService(m_namespace, m_service);
    QStringList ids;
    for (const Experiment& e : shown)
        ids.append(e.id);
    QStringList had;
    for (const Row& row : std::as_const(m_rows))
        had.append(row.id);
    if (ids == had) {
        tick();
        return;
    }
    // Rows are few (one per running experiment): rebuilt whole when the set changes. A row whose
    // Stop was pressed keeps saying so if it is still there.
    QStringList stopping;
    for (const Row& row : std::as_const(m_rows)) {
        if (!row.stop->property("stopping").isNull())
            stopping.append(row.id);
        delete row.text->parentWidget();
    }
    m_rows.clear();
    for (const Experiment& e : shown) {
        auto* line = new QWidget(this);
        auto* layout = new QHBoxLayout(line);
        layout->setContentsMargins(0, 0, 0, 0);
        auto* text = new QLabel(line);
        text->setTextInteractionFlags(Qt::TextSelectableByMouse);
        text->setWordWrap(true); // the side panel is narrow
        auto* stop = new QPushButton(tr("Stop"), line);
        stop->setObjectName(QStringLiteral("stop-") + e.id);
        layout->addWidget(text, 1);
        layout->addWidget(stop);
        m_layout->addWidget(line);
        const QString id = e.id;
        connect(stop, &QPushButton::clicked, this, [this, stop, id] {
            stop->setProperty("stopping", true);
            stop->setEnabled(false);
            stop->setText(tr("Stopping…"));
            m_runner->stop(id);
        });
        if (stopping.contains(id)) {
            stop->setProperty("stopping", true);
            stop->setText(tr("Stopping…"));
        }
        m_rows.append(Row{id, text, stop});
    }
    setWriteAccess(m_writable, m_readOnlyReason);
    tick();
    if (m_rows.isEmpty())
        m_tick.stop();
    else if (!m_tick.isActive())
        m_tick.start();
    Q_EMIT rowsChanged(int(m_rows.size()));
}

void ExperimentList::tick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Row& row : std::as_const(m_rows)) {
        const std::optional<Experiment> e = m_registry->find(row.id);
        if (e)
            row.text->setText(ExperimentRegistry::describe(*e, now));
    }
}

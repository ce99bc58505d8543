// SPDX-License-Identifier: Apache-2.0
#include "RateChart.h"

#include "views/style/VersionPalette.h"

#include "models/telemetry/VersionSeriesModel.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

RateChart::RateChart(VersionSeriesModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_time(new QDateTimeAxis(m_chart))
    , m_rate(new QValueAxis(m_chart))
    , m_message(new QLabel(this))
{
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_time->setFormat(QStringLiteral("HH:mm:ss"));
    m_time->setTickCount(6);
    m_rate->setLabelFormat(QStringLiteral("%.1f"));
    m_rate->setTitleText(tr("requests/s"));
    m_rate->setRange(0, 1);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_rate, Qt::AlignLeft);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_message->setWordWrap(true);
    m_message->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_message);
    layout->addWidget(m_view);

    connect(model, &QAbstractItemModel::modelReset, this, &RateChart::syncSeries);
    connect(model, &QAbstractItemModel::rowsInserted, this, &RateChart::syncSeries);
    connect(model, &VersionSeriesModel::pointsChanged, this, &RateChart::updatePoints);
    syncSeries();
}

void RateChart::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

int RateChart::pointCount(const QString& version) const
{
    const QLineSeries* series = m_series.value(version);
    return series ? int(series->count()) : 0;
}

QPointF RateChart::lastPoint(const QString& version) const
{
    const QLineSeries* series = m_series.value(version);
    return series && series->count() > 0 ? series->at(series->count() - 1) : QPointF();
}

void RateChart::syncSeries()
{
    QHash<QString, QLineSeries*> kept;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString version = m_model->version(row);
        QLineSeries* series = m_series.take(version);
        if (!series) {
            series = new QLineSeries(m_chart);
            series->setName(version);
            QPen pen(VersionPalette::colorFor(version), 2);
            series->setPen(pen);
            m_chart->addSeries(series);
            series->attachAxis(m_time);
            series->attachAxis(m_rate);
        }
        kept.insert(version, series);
    }
    for (QLineSeries* gone : std::as_const(m_series)) {
        m_chart->removeSeries(gone);
        delete gone;
    }
    m_series = kept;
    m_chart->setTitle(m_model->service().isEmpty() ? tr("Select a service")
                                                   : tr("%1: requests/s by version").arg(m_model->service()));
    updatePoints();
}

void RateChart::updatePoints()
{
    double highest = 0;
    double earliest = m_model->latestTime();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QList<QPointF>& points = m_model->points(row);
        if (QLineSeries* series = m_series.value(m_model->version(row)))
            series->replace(points);
        if (!points.isEmpty())
            earliest = std::min(earliest, points.first().x());
        for (const QPointF& p : points)
            highest = std::max(highest, p.y());
    }
    // A young cluster has less history than the window: show what exists (at least a minute)
    // rather than a line squeezed against the right edge.
    constexpr double MinimumSpanMs = 60000;
    const double end = m_model->latestTime() > 0 ? m_model->latestTime() : double(QDateTime::currentMSecsSinceEpoch());
    const double start = std::max(end - m_model->windowMs(), std::min(earliest, end - MinimumSpanMs));
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(start)), QDateTime::fromMSecsSinceEpoch(qint64(end)));
    m_rate->setRange(0, highest > 0 ? highest * 1.15 : 1);
    if (m_model->service().isEmpty() == false)
        m_chart->setTitle(tr("%1: requests/s by version").arg(m_model->service()));
}

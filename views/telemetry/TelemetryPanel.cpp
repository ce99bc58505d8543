// SPDX-License-Identifier: Apache-2.0
#include "TelemetryPanel.h"

#include "MetricChart.h"

#include "views/faults/ExperimentWindows.h"
#include "views/style/VersionPalette.h"

#include "models/audit/AuditLog.h"
#include "models/faults/ExperimentRegistry.h"
#include "models/telemetry/RoutingEventTracker.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace {
constexpr int CustomWindow = -1;
} // namespace

TelemetryPanel::TelemetryPanel(TelemetrySeriesModel* model, TelemetryLoader* loader, AuditLog* audit, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_loader(loader)
    , m_audit(audit)
    , m_window(new QComboBox(this))
    , m_refresh(new QComboBox(this))
    , m_baseline(new QComboBox(this))
    , m_canary(new QComboBox(this))
    , m_pause(new QToolButton(this))
    , m_banner(new QLabel(this))
    , m_legend(new QLabel(this))
    , m_chartArea(new QWidget(this))
{
    m_window->addItem(tr("Last 5 minutes"), 300);
    m_window->addItem(tr("Last 15 minutes"), 900);
    m_window->addItem(tr("Last hour"), 3600);
    m_window->addItem(tr("Last 6 hours"), 21600);
    m_window->addItem(tr("Custom…"), CustomWindow);
    m_window->setToolTip(tr("How much history the charts show"));
    for (int seconds : {1, 2, 5, 10, 30})
        m_refresh->addItem(tr("every %1 s").arg(seconds), seconds * 1000);
    m_refresh->setToolTip(tr("How often live data is asked for"));
    m_baseline->setToolTip(tr("Baseline version to compare a canary against"));
    m_canary->setToolTip(tr("Canary version: drawn against the baseline with the difference shaded"));
    updateComparisonChoices();
    m_pause->setText(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Stop following live data (the charts keep what they have)"));
    auto* resetZoom = new QToolButton(this);
    resetZoom->setText(tr("Reset zoom"));
    resetZoom->setToolTip(tr("Drag across a chart to zoom into a time range; this returns to live"));
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export…"));
    exportButton->setToolTip(tr("Save the charts as PNG, or their data as CSV"));

    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(new QLabel(tr("<b>Telemetry</b>"), this));
    toolbar->addSpacing(12);
    toolbar->addWidget(m_legend);
    toolbar->addStretch();
    toolbar->addWidget(new QLabel(tr("Compare"), this));
    toolbar->addWidget(m_baseline);
    toolbar->addWidget(new QLabel(tr("with"), this));
    toolbar->addWidget(m_canary);
    toolbar->addWidget(m_window);
    toolbar->addWidget(m_refresh);
    toolbar->addWidget(m_pause);
    toolbar->addWidget(resetZoom);
    toolbar->addWidget(exportButton);

    m_banner->setWordWrap(true);
    m_banner->hide();

    auto* charts = new QHBoxLayout(m_chartArea);
    charts->setContentsMargins(0, 0, 0, 0);
    const QList<std::pair<QString, QList<TelemetryMetric>>> layout{
        {tr("Requests/s"), {TelemetryMetric::RequestRate}},
        {tr("Errors % (5xx solid, 4xx dashed)"), {TelemetryMetric::Errors5xx, TelemetryMetric::Errors4xx}},
        {tr("Latency ms (p50 dotted, p95 solid, p99 dashed)"),
         {TelemetryMetric::LatencyP50, TelemetryMetric::LatencyP95, TelemetryMetric::LatencyP99}},
        {tr("Mean size, bytes (request solid, response dashed)"),
         {TelemetryMetric::RequestBytes, TelemetryMetric::ResponseBytes}},
    };
    for (const auto& [title, metrics] : layout) {
        auto* chart = new MetricChart(model, title, metrics, m_chartArea);
        // The plot's width is known once the chart has laid itself out, after the widget resized.
        connect(chart->chart(), &QChart::plotAreaChanged, this, &TelemetryPanel::fitPointsToPlots);
        charts->addWidget(chart);
        m_charts.append(chart);
    }

    auto* main = new QVBoxLayout(this);
    main->setContentsMargins(4, 4, 4, 4);
    main->addLayout(toolbar);
    main->addWidget(m_banner);
    main->addWidget(m_chartArea, 1);

    connect(model, &TelemetrySeriesModel::modelReset, this, &TelemetryPanel::updateLegend);
    connect(model, &TelemetrySeriesModel::modelReset, this, &TelemetryPanel::updateMarkers);
    if (audit)
        connect(audit, &AuditLog::rowsInserted, this, &TelemetryPanel::updateMarkers);
    connect(model, &TelemetrySeriesModel::rowsInserted, this, &TelemetryPanel::updateLegend);
    connect(model, &TelemetrySeriesModel::modelReset, this, &TelemetryPanel::updateComparisonChoices);
    connect(model, &TelemetrySeriesModel::rowsInserted, this, &TelemetryPanel::updateComparisonChoices);
    connect(m_baseline, &QComboBox::activated, this, &TelemetryPanel::compareChosen);
    connect(m_canary, &QComboBox::activated, this, &TelemetryPanel::compareChosen);
    connect(m_refresh, &QComboBox::activated, this, [this](int index) { m_loader->setInterval(m_refresh->itemData(index).toInt()); });
    connect(m_window, &QComboBox::activated, this, &TelemetryPanel::chooseWindow);
    connect(m_pause, &QToolButton::toggled, loader, &TelemetryLoader::setPaused);
    connect(resetZoom, &QToolButton::clicked, this, [this] {
        for (MetricChart* chart : std::as_const(m_charts))
            chart->resetZoom();
    });
    connect(exportButton, &QToolButton::clicked, this, &TelemetryPanel::exportWithDialog);
    connect(loader, &TelemetryLoader::failed, this, [this](const QString& reason) {
        if (m_unavailable)
            return;
        showProblem(tr("Prometheus cannot answer: %1. The charts show a gap until it recovers; "
                       "MeshDeck keeps retrying.")
                        .arg(reason),
                    true);
    });
    connect(loader, &TelemetryLoader::succeeded, this, [this](const QStringList& warnings) {
        showProblem(warnings.isEmpty() ? QString() : tr("Prometheus warns: %1").arg(warnings.join(QStringLiteral("; "))),
                    false);
    });
}

MetricChart* TelemetryPanel::chartFor(TelemetryMetric metric) const
{
    for (MetricChart* chart : m_charts) {
        if (chart->metrics().contains(metric))
            return chart;
    }
    return nullptr;
}

QString TelemetryPanel::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void TelemetryPanel::updateLegend()
{
    // While comparing, only the pair is drawn, and the legend says which is which.
    const QString baseline = m_baseline->currentData().toString();
    const QString canary = m_canary->currentData().toString();
    const bool comparing = !baseline.isEmpty() && !canary.isEmpty() && baseline != canary;
    QStringList entries;
    for (const QString& version : comparing ? QStringList{baseline, canary} : m_model->versions()) {
        const QString role = !comparing ? QString() : version == baseline ? tr(" (baseline)") : tr(" (canary, difference shaded)");
        entries.append(QStringLiteral("<span style=\"color:%1\">&#9632;</span> %2%3")
                           .arg(VersionPalette::colorFor(version).name(), version.toHtmlEscaped(), role));
    }
    const QString scope = m_loader->scope().service == m_model->service() ? m_loader->scope().title() : m_model->service();
    m_legend->setText(entries.isEmpty() ? QString() : scope.toHtmlEscaped() + QStringLiteral(": ") + entries.join(QStringLiteral("&nbsp;&nbsp;")));
}

void TelemetryPanel::updateMarkers()
{
    // The service shown is the model's; its namespace is the loader's, which the model's points came
    // from (a new scope's history resets the model, and the markers are drawn again then).
    const QString service = m_model->service();
    const QString namespaceName = m_loader->scope().namespaceName;
    QList<ChartMarker> markers;
    QStringList audited; // resourceVersions MeshDeck wrote itself: their audit entry says more
    for (int row = 0; m_audit && row < m_audit->rowCount(); ++row) {
        const AuditEntry& e = m_audit->entry(row);
        if (e.service != service || e.namespaceName != namespaceName)
            continue;
        markers.append({double(e.time.toMSecsSinceEpoch()),
                        tr("%1 %2 by %3: %4").arg(e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss")), e.action,
                                                  e.user, e.summary)});
        audited.append(QString::fromUtf8(e.after));
    }
    if (m_events) {
        for (const RoutingEvent& e : m_events->events(namespaceName, service)) {
            const QString written = QStringLiteral("\"resourceVersion\":\"%1\"").arg(e.resourceVersion);
            if (std::any_of(audited.cbegin(), audited.cend(), [&](const QString& after) { return after.contains(written); }))
                continue;
            markers.append({double(e.time.toMSecsSinceEpoch()),
                            tr("%1 %2").arg(e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss")), e.text)});
        }
    }
    const QList<ChartWindow> windows = ExperimentWindows::of(m_audit, m_experiments, namespaceName, service);
    for (MetricChart* chart : std::as_const(m_charts)) {
        chart->setMarkers(markers);
        chart->setWindows(windows);
    }
}

void TelemetryPanel::setExperiments(ExperimentRegistry* registry)
{
    m_experiments = registry;
    connect(registry, &ExperimentRegistry::experimentsChanged, this, &TelemetryPanel::updateMarkers);
    updateMarkers();
}

void TelemetryPanel::setRoutingEvents(RoutingEventTracker* tracker)
{
    m_events = tracker;
    connect(tracker, &RoutingEventTracker::eventsChanged, this, &TelemetryPanel::updateMarkers);
    updateMarkers();
}

void TelemetryPanel::updateComparisonChoices()
{
    // The choices follow the versions the service has; a chosen pair stays chosen while both exist.
    const QString baseline = m_baseline->currentData().toString();
    const QString canary = m_canary->currentData().toString();
    m_baseline->clear();
    m_canary->clear();
    m_baseline->addItem(tr("all versions"), QString());
    m_canary->addItem(QStringLiteral("—"), QString());
    QStringList versions = m_model->versions();
    for (const QString& chosen : {baseline, canary}) {
        if (!chosen.isEmpty() && !versions.contains(chosen))
            versions.append(chosen);
    }
    for (const QString& version : std::as_const(versions)) {
        m_baseline->addItem(version, version);
        m_canary->addItem(version, version);
    }
    m_baseline->setCurrentIndex(std::max(0, m_baseline->findData(baseline)));
    m_canary->setCurrentIndex(std::max(0, m_canary->findData(canary)));
    compareChosen();
}

void TelemetryPanel::compareChosen()
{
    const QString baseline = m_baseline->currentData().toString();
    const QString canary = m_canary->currentData().toString();
    const bool comparing = !baseline.isEmpty() && !canary.isEmpty() && baseline != canary;
    for (MetricChart* chart : std::as_const(m_charts))
        chart->setComparison(comparing ? baseline : QString(), comparing ? canary : QString());
    updateLegend();
}

void TelemetryPanel::setComparison(const QString& baseline, const QString& canary)
{
    // Versions not seen yet are offered already, so a comparison can be asked for before data arrives.
    for (QComboBox* box : {m_baseline, m_canary}) {
        for (const QString& version : {baseline, canary}) {
            if (!version.isEmpty() && box->findData(version) < 0)
                box->addItem(version, version);
        }
    }
    m_baseline->setCurrentIndex(std::max(0, m_baseline->findData(baseline)));
    m_canary->setCurrentIndex(std::max(0, m_canary->findData(canary)));
    compareChosen();
}

QString TelemetryPanel::legendText() const
{
    return m_legend->text();
}

void TelemetryPanel::setUnavailable(const QString& reason)
{
    m_unavailable = true;
    m_pause->setEnabled(false);
    showProblem(tr("Telemetry is not shown: %1.").arg(reason), false);
}

void TelemetryPanel::showProblem(const QString& text, bool isError)
{
    m_banner->setText(text);
    m_banner->setStyleSheet(isError ? QStringLiteral("background: #FDE2E1; color: #7D1007; padding: 4px;")
                                    : QStringLiteral("background: #FFF4D6; color: #5C4200; padding: 4px;"));
    m_banner->setVisible(!text.isEmpty());
}

void TelemetryPanel::chooseWindow(int index)
{
    int seconds = m_window->itemData(index).toInt();
    if (seconds == CustomWindow) {
        bool ok = false;
        const int minutes = QInputDialog::getInt(this, tr("Time window"), tr("Minutes of history:"),
                                                 m_loader->window().rangeSeconds / 60, 1, 7 * 24 * 60, 1, &ok);
        if (!ok)
            return;
        seconds = minutes * 60;
    }
    setWindowSeconds(seconds);
}

int TelemetryPanel::windowSeconds() const
{
    return m_loader->window().rangeSeconds;
}

void TelemetryPanel::setWindowSeconds(int seconds)
{
    const int preset = m_window->findData(seconds);
    m_window->setCurrentIndex(preset >= 0 ? preset : m_window->findData(CustomWindow));
    TelemetryWindow window = m_loader->window();
    window.rangeSeconds = seconds;
    m_model->setWindowSeconds(seconds);
    m_loader->setWindow(window);
}

void TelemetryPanel::fitPointsToPlots()
{
    // Fetch no more points than the narrowest chart's plot has pixel columns.
    int width = 100000;
    for (const MetricChart* chart : std::as_const(m_charts))
        width = std::min(width, chart->plotWidth());
    TelemetryWindow window = m_loader->window();
    window.maxPoints = std::max(60, width);
    m_loader->setWindow(window);
}

bool TelemetryPanel::exportPng(const QString& file)
{
    return m_chartArea->grab().save(file, "PNG");
}

void TelemetryPanel::writeCsv(QIODevice& out) const
{
    QTextStream stream(&out);
    stream << "time,service,metric,version,value\n";
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const TelemetrySeries& series = m_model->series(row);
        const QString key = TelemetryMetrics::info(series.metric).key;
        for (const QPointF& p : series.points) {
            stream << QDateTime::fromMSecsSinceEpoch(qint64(p.x()), Qt::UTC).toString(Qt::ISODate) << ','
                   << m_model->service() << ',' << key << ',' << series.version << ',' << p.y() << '\n';
        }
    }
}

void TelemetryPanel::exportWithDialog()
{
    QString selectedFilter;
    const QString file = QFileDialog::getSaveFileName(this, tr("Export telemetry"), m_model->service(),
                                                      tr("PNG image (*.png);;CSV data (*.csv)"), &selectedFilter);
    if (file.isEmpty())
        return;
    if (file.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive) || selectedFilter.contains(QStringLiteral("csv"))) {
        QFile out(file);
        if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            writeCsv(out);
        else
            showProblem(tr("Cannot write %1: %2").arg(file, out.errorString()), true);
    } else if (!exportPng(file)) {
        showProblem(tr("Cannot write %1").arg(file), true);
    }
}

// SPDX-License-Identifier: Apache-2.0
#include "EdgeTelemetryLoader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace {

constexpr int MinimumWindowSeconds = 15;
constexpr int ScrapesPerWindow = 4;
// Two minutes of `up` show two samples of any interval up to a minute.
const char* const RawUpSamples = "up[2m]";

double median(std::vector<double> values)
{
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

} // namespace

EdgeTelemetryLoader::EdgeTelemetryLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_namespaces{session->namespaceName()}
{
    connect(&m_timer, &QTimer::timeout, this, &EdgeTelemetryLoader::refreshIfDue);
}

EdgeTelemetryLoader::~EdgeTelemetryLoader()
{
    cancelPending();
}

void EdgeTelemetryLoader::setNamespaces(const QStringList& namespaces)
{
    QStringList wanted = namespaces;
    wanted.removeAll(QString());
    wanted.removeDuplicates();
    if (wanted.isEmpty() && m_session)
        wanted = {m_session->namespaceName()};
    if (wanted == m_namespaces)
        return;
    m_namespaces = wanted;
    refresh();
}

void EdgeTelemetryLoader::setInterval(int milliseconds)
{
    if (milliseconds <= 0)
        m_timer.stop();
    else
        m_timer.start(milliseconds);
}

double EdgeTelemetryLoader::scrapeIntervalOf(const kube::PromResult& rawSamples)
{
    std::vector<double> intervals;
    for (const kube::PromSeries& series : rawSamples.series) {
        std::vector<double> gaps;
        for (std::size_t i = 1; i < series.samples.size(); ++i)
            gaps.push_back(series.samples[i].time - series.samples[i - 1].time);
        if (!gaps.empty())
            intervals.push_back(median(std::move(gaps)));
    }
    // To a tenth of a second: scrapes come a few milliseconds late on a busy machine, and the window
    // of four 15.004 s intervals is still 60 s.
    return intervals.empty() ? 0 : std::round(median(std::move(intervals)) * 10) / 10;
}

int EdgeTelemetryLoader::windowSeconds() const
{
    return std::max(MinimumWindowSeconds, static_cast<int>(std::ceil(ScrapesPerWindow * m_scrapeIntervalSeconds)));
}

void EdgeTelemetryLoader::cancelPending()
{
    for (kube::RequestId* pending : {&m_pendingInterval, &m_pendingRequests, &m_pendingLatency}) {
        if (*pending && m_session)
            m_session->prometheus().cancel(*pending);
        *pending = 0;
    }
}

void EdgeTelemetryLoader::refreshIfDue()
{
    const bool inFlight = m_pendingInterval || m_pendingRequests || m_pendingLatency;
    if (inFlight || (m_sinceRefresh.isValid() && m_sinceRefresh.elapsed() < 1000 * m_scrapeIntervalSeconds))
        return;
    refresh();
}

void EdgeTelemetryLoader::refresh()
{
    if (!m_session)
        return;
    cancelPending();
    ++m_generation;
    m_sinceRefresh.start();
    if (m_scrapeIntervalSeconds > 0)
        query();
    else
        learnScrapeIntervalThenQuery();
}

void EdgeTelemetryLoader::learnScrapeIntervalThenQuery()
{
    const QPointer<EdgeTelemetryLoader> self(this);
    const quint64 generation = m_generation;
    m_pendingInterval = m_session->prometheus().query(RawUpSamples, [self, generation](kube::PromResult result) {
        if (!self || self->m_generation != generation)
            return;
        self->m_pendingInterval = 0;
        if (result.error.ok())
            self->m_scrapeIntervalSeconds = scrapeIntervalOf(result);
        self->query();
    });
}

void EdgeTelemetryLoader::query()
{
    // Both answers of one refresh meet here; whichever arrives second emits.
    struct Answers {
        std::optional<kube::PromResult> requests;
        std::optional<kube::PromResult> latency;
    };
    const auto answers = std::make_shared<Answers>();
    const QPointer<EdgeTelemetryLoader> self(this);
    const quint64 generation = m_generation;
    auto complete = [self, generation, answers] {
        if (!self || self->m_generation != generation || !answers->requests || !answers->latency)
            return;
        if (!answers->requests->error.ok()) {
            Q_EMIT self->loadFailed(QString::fromStdString(answers->requests->error.describe()));
            return;
        }
        // Rates without latencies are still worth showing; the latency labels then say "n/a".
        const kube::PromResult* latency = answers->latency->error.ok() ? &*answers->latency : nullptr;
        Q_EMIT self->telemetryAvailable(EdgeTelemetry::fromPrometheus(*answers->requests, latency));
    };
    const QString window = QString::number(windowSeconds()) + u's';
    m_pendingRequests = m_session->prometheus().query(
        EdgeTelemetry::requestsQuery(m_namespaces, window).toStdString(),
        [self, generation, answers, complete](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return; // a newer refresh replaced this one
            self->m_pendingRequests = 0;
            answers->requests = std::move(result);
            complete();
        });
    m_pendingLatency = m_session->prometheus().query(
        EdgeTelemetry::latencyQuery(m_namespaces, window).toStdString(),
        [self, generation, answers, complete](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return;
            self->m_pendingLatency = 0;
            answers->latency = std::move(result);
            complete();
        });
}

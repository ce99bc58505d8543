// SPDX-License-Identifier: Apache-2.0
#include "ScrapeInterval.h"

#include "kubeclient/PrometheusClient.h"

#include <algorithm>
#include <cmath>

namespace {

// Two minutes of `up` show two samples of any interval up to a minute.
const char* const RawUpSamples = "up[2m]";

double median(std::vector<double> values)
{
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

} // namespace

ScrapeInterval::ScrapeInterval(kube::PrometheusClient& prometheus, QObject* parent)
    : QObject(parent)
    , m_prometheus(prometheus)
{
}

ScrapeInterval::~ScrapeInterval()
{
    if (m_pending)
        m_prometheus.cancel(m_pending);
}

double ScrapeInterval::of(const kube::PromResult& rawSamples)
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

int ScrapeInterval::rateWindowSeconds(int minimumSeconds) const
{
    return std::max(minimumSeconds, static_cast<int>(std::ceil(ScrapesPerRateWindow * m_seconds)));
}

void ScrapeInterval::whenLearnt(QObject* context, std::function<void()> then)
{
    if (m_seconds > 0) {
        then();
        return;
    }
    m_waiting.emplace_back(context, std::move(then));
    if (m_pending)
        return;
    const QPointer<ScrapeInterval> self(this);
    m_pending = m_prometheus.query(RawUpSamples, [self](kube::PromResult result) {
        if (!self)
            return;
        self->m_pending = 0;
        if (result.error.ok())
            self->m_seconds = of(result);
        // A caller may ask again from `then`: it gets a fresh question, not this list.
        const auto waiting = std::exchange(self->m_waiting, {});
        for (const auto& [context, then] : waiting) {
            if (context)
                then();
        }
    });
}

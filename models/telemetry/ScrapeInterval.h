// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/HttpTransport.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <utility>
#include <vector>

namespace kube {
class PrometheusClient;
struct PromResult;
} // namespace kube

// How often Prometheus scrapes the mesh, and the rate window that follows from it, for the graph and
// the charts alike. rate() needs two samples in its window and is only steady with about four
// (Grafana's $__rate_interval is four intervals), so a Prometheus that scrapes every 15 s, as large
// meshes are scraped, gets a window of a minute where bookinfo's 1 s scrapes keep each loader's
// minimum. The interval is learnt once per Prometheus (the session owns one of these) from the raw
// samples of `up`: that needs nothing but the query API, which is all a user who may read telemetry
// may reach.
class ScrapeInterval : public QObject {
    Q_OBJECT
public:
    static constexpr int ScrapesPerRateWindow = 4;

    explicit ScrapeInterval(kube::PrometheusClient& prometheus, QObject* parent = nullptr);
    ~ScrapeInterval() override;

    // Seconds to a tenth; 0 until known.
    double seconds() const { return m_seconds; }
    // Four scrape intervals, or `minimumSeconds` when that is longer or the interval is not known.
    int rateWindowSeconds(int minimumSeconds) const;
    // Runs `then` on this thread once the interval is known, at once if it is already. When Prometheus
    // cannot tell (unreachable, or `up` has fewer than two samples yet) `then` runs too, with seconds()
    // still 0, and the next call asks again. Callers waiting meanwhile share one question; `then` is
    // dropped if `context` is deleted first.
    void whenLearnt(QObject* context, std::function<void()> then);

    // The median gap between consecutive samples of the series in a Prometheus matrix result, in
    // seconds to a tenth; 0 when no series has two samples.
    static double of(const kube::PromResult& rawSamples);

private:
    kube::PrometheusClient& m_prometheus;
    double m_seconds = 0;
    kube::RequestId m_pending = 0;
    std::vector<std::pair<QPointer<QObject>, std::function<void()>>> m_waiting;
};

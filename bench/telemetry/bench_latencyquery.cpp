// SPDX-License-Identifier: Apache-2.0
// What the graph's latency costs on a generated mesh: `meshdeck-democluster --services N` (2,000 by
// default) with its Prometheus, asked through the API server's service proxy as MeshDeck asks it.
// Before: one query with three histogram_quantile()s over the per-edge bucket rates (Prometheus sums
// the buckets three times). Now: one query for the per-edge bucket rates, p50/p95/p99 computed by
// HistogramQuantile. Both at the same evaluation time, so the numbers must agree to the last bit.
//   bench_latencyquery [services] [rounds] [democluster binary]
#include "models/graph/EdgeTelemetry.h"
#include "models/session/ClusterSession.h"
#include "models/session/DemoClusterLauncher.h"
#include "models/telemetry/HistogramQuantile.h"
#include "models/telemetry/ScrapeInterval.h"

#include "kubeclient/Kubeconfig.h"
#include "kubeclient/PrometheusClient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

namespace {

const std::vector<std::string> Quantiles{"0.5", "0.95", "0.99"};

// What the graph asked before: the three quantiles in Prometheus, told apart by a "quantile" label.
QString threeHistogramQuantiles(const QString& buckets)
{
    QStringList parts;
    for (const std::string& q : Quantiles) {
        parts.append(QStringLiteral("label_replace(histogram_quantile(%1, (%2)), \"quantile\", \"%1\", \"\", \"\")")
                         .arg(QString::fromStdString(q), buckets));
    }
    return parts.join(QStringLiteral(" or "));
}

struct Timed {
    kube::PromResult result;
    qint64 ms = 0;
};

// One evaluation at `time` (a range of one step, so both queries see the same instant).
Timed run(ClusterSession& session, const QString& promql, double time)
{
    Timed timed;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    session.prometheus().queryRange(promql.toStdString(), time, time, 1, [&](kube::PromResult result) {
        timed.ms = clock.elapsed();
        timed.result = std::move(result);
        loop.quit();
    });
    loop.exec();
    return timed;
}

std::string keyOf(const kube::PromSeries& series)
{
    std::string key;
    for (const auto& [name, value] : series.labels)
        key += name + '=' + value + ',';
    return key;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int services = argc > 1 ? std::max(1, atoi(argv[1])) : 2000;
    const int rounds = argc > 2 ? std::max(1, atoi(argv[2])) : 3;
    const QString binary = argc > 3 ? QString::fromLocal8Bit(argv[3]) : QStringLiteral(MESHDECK_DEMOCLUSTER_BIN);

    DemoClusterLauncher cluster;
    cluster.start(binary, DemoClusterLauncher::Prometheus::Auto, {QStringLiteral("--services"), QString::number(services)});
    if (!cluster.waitForReady(600000)) {
        std::fprintf(stderr, "the demo cluster did not start; its log: %s\n", qPrintable(cluster.logPath()));
        return 1;
    }
    auto loaded = kube::Kubeconfig::load(cluster.kubeconfigPath().toStdString());
    if (!std::holds_alternative<kube::Kubeconfig>(loaded))
        return 1;
    auto connection = std::get<kube::Kubeconfig>(loaded).connection({});
    if (!std::holds_alternative<kube::ClusterConnection>(connection))
        return 1;
    ClusterSession session(std::get<kube::ClusterConnection>(connection));
    // The window the graph uses there: four scrape intervals, at least 15 s (60 s at 15 s scrapes).
    bool learnt = false;
    session.scrapeInterval().whenLearnt(&app, [&learnt] { learnt = true; });
    while (!learnt)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    const QString window = QString::number(session.scrapeInterval().rateWindowSeconds(15)) + u's';
    // The generated mesh lives in the kubeconfig's namespace.
    const QString buckets = EdgeTelemetry::latencyBucketsQuery({session.namespaceName()}, window);
    const QString before = threeHistogramQuantiles(buckets);
    std::printf("The graph's p50/p95/p99 on a generated mesh of %d services (window %s, through the service proxy):\n",
                services, qPrintable(window));

    // Right after "ready" Prometheus holds two scrapes: wait until the edges have latency buckets.
    for (int wait = 0; run(session, buckets, std::floor(QDateTime::currentMSecsSinceEpoch() / 1000.0) - 5).result.series.empty(); ++wait) {
        if (wait == 60) {
            std::fprintf(stderr, "no latency buckets in %s after 5 minutes\n", qPrintable(session.namespaceName()));
            return 1;
        }
        QEventLoop pause;
        QTimer::singleShot(5000, &pause, &QEventLoop::quit);
        pause.exec();
    }

    std::vector<double> beforeMs, bucketsMs, computeMs;
    qsizetype mismatches = 0, compared = 0, bucketSeries = 0, quantileSeries = 0;
    int failures = 0;
    for (int round = 0; round < rounds; ++round) {
        // A few seconds back, so every sample of the window is stored.
        const double time = std::floor(QDateTime::currentMSecsSinceEpoch() / 1000.0) - 5;
        const Timed old = run(session, before, time);
        const Timed now = run(session, buckets, time);
        if (!old.result.error.ok() || !now.result.error.ok()) {
            // A loaded machine can keep Prometheus past the client's 30 s: say which, without the URL.
            const auto why = [](const Timed& t) { return t.result.error.ok() ? std::string("ok") : t.result.error.message; };
            std::printf("  round %d failed: three histogram_quantile()s after %lld ms: %s; buckets after %lld ms: %s\n",
                        round + 1, old.ms, why(old).c_str(), now.ms, why(now).c_str());
            ++failures;
            continue;
        }
        QElapsedTimer clock;
        clock.start();
        const kube::PromResult computed = HistogramQuantile::of(now.result, Quantiles, "quantile");
        computeMs.push_back(double(clock.nsecsElapsed()) / 1e6);
        beforeMs.push_back(double(old.ms));
        bucketsMs.push_back(double(now.ms));
        bucketSeries = qsizetype(now.result.series.size());
        quantileSeries = qsizetype(old.result.series.size());

        std::map<std::string, double> fromPrometheus;
        for (const kube::PromSeries& s : old.result.series)
            fromPrometheus[keyOf(s)] = s.samples.empty() ? std::nan("") : s.samples.back().value;
        for (const kube::PromSeries& s : computed.series) {
            const auto found = fromPrometheus.find(keyOf(s));
            const double mine = s.samples.back().value;
            const bool same = found != fromPrometheus.end()
                && (found->second == mine || (std::isnan(found->second) && std::isnan(mine)));
            ++compared;
            if (!same)
                ++mismatches;
        }
        std::printf("  round %d: three histogram_quantile()s %lld ms (%zu series); buckets %lld ms (%zu series) + "
                    "quantiles here %.1f ms\n",
                    round + 1, old.ms, old.result.series.size(), now.ms, now.result.series.size(), computeMs.back());
    }
    if (failures == rounds)
        return 1;
    std::printf("  median of %d: before %.0f ms; now %.0f ms in Prometheus and the proxy + %.1f ms here (%.1fx faster)\n",
                rounds - failures, median(beforeMs), median(bucketsMs), median(computeMs),
                median(beforeMs) / std::max(1.0, median(bucketsMs) + median(computeMs)));
    std::printf("  %lld bucket series -> %lld quantile series; %lld of %lld quantiles differ from Prometheus' own\n",
                qint64(bucketSeries), qint64(quantileSeries), qint64(mismatches), qint64(compared));
    return mismatches == 0 ? 0 : 2;
}

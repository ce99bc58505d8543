// SPDX-License-Identifier: Apache-2.0
#include "HistogramQuantile.h"

#include "kubeclient/PrometheusClient.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_map>

namespace {

// Go's strconv.ParseFloat as Prometheus reads `le`: the whole value or nothing ("+Inf" included).
bool parseBound(const std::string& text, double& bound)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    bound = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

} // namespace

double HistogramQuantile::of(double q, std::vector<Bucket> buckets)
{
    if (std::isnan(q))
        return std::numeric_limits<double>::quiet_NaN();
    if (q < 0)
        return -std::numeric_limits<double>::infinity();
    if (q > 1)
        return std::numeric_limits<double>::infinity();
    if (buckets.empty())
        return std::numeric_limits<double>::quiet_NaN();
    std::sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) { return a.upperBound < b.upperBound; });
    if (!std::isinf(buckets.back().upperBound) || buckets.back().upperBound < 0)
        return std::numeric_limits<double>::quiet_NaN();

    // Buckets of one bound (`le="1"` and `le="1.0"`) are one bucket.
    std::size_t last = 0;
    for (std::size_t i = 1; i < buckets.size(); ++i) {
        if (buckets[i].upperBound == buckets[last].upperBound)
            buckets[last].count += buckets[i].count;
        else
            buckets[++last] = buckets[i];
    }
    buckets.resize(last + 1);
    // Counts that fall with a higher bound (scrapes of one histogram straddling a rate window's
    // edge) are raised to the highest count below them: the binary search needs them monotonic.
    double highest = buckets.front().count;
    for (Bucket& b : buckets) {
        if (b.count > highest)
            highest = b.count;
        else if (b.count < highest)
            b.count = highest;
    }

    if (buckets.size() < 2)
        return std::numeric_limits<double>::quiet_NaN();
    const double observations = buckets.back().count;
    if (observations == 0)
        return std::numeric_limits<double>::quiet_NaN();
    double rank = q * observations;
    // The first bucket, the +Inf one aside, whose count reaches the rank (sort.Search's answer).
    const auto found = std::partition_point(buckets.begin(), buckets.end() - 1, [rank](const Bucket& b) { return b.count < rank; });
    const std::size_t b = std::size_t(found - buckets.begin());
    if (b == buckets.size() - 1)
        return buckets[buckets.size() - 2].upperBound;
    if (b == 0 && buckets[0].upperBound <= 0)
        return buckets[0].upperBound;
    double bucketStart = 0;
    const double bucketEnd = buckets[b].upperBound;
    double count = buckets[b].count;
    if (b > 0) {
        bucketStart = buckets[b - 1].upperBound;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

kube::PromResult HistogramQuantile::of(const kube::PromResult& buckets, const std::vector<std::string>& quantiles,
                                       const std::string& quantileLabel)
{
    kube::PromResult out;
    out.error = buckets.error;
    out.warnings = buckets.warnings;
    out.resultType = "vector";
    if (!buckets.error.ok())
        return out;

    struct Group {
        const kube::PromSeries* first; // whose labels (but `le`) the group has
        double time = 0;
        std::vector<Bucket> buckets;
    };
    std::vector<Group> groups;
    std::unordered_map<std::string, std::size_t> groupOf;
    std::string key;
    for (const kube::PromSeries& series : buckets.series) {
        const auto le = series.labels.find("le");
        double bound = 0;
        if (le == series.labels.end() || series.samples.empty() || !parseBound(le->second, bound))
            continue;
        key.clear();
        for (const auto& [name, value] : series.labels) {
            if (name == "le" || name == "__name__")
                continue;
            // Label names cannot hold '\xff', and values are UTF-8, which never has that byte.
            key.append(name).push_back('\xff');
            key.append(value).push_back('\xff');
        }
        const auto [at, added] = groupOf.try_emplace(key, groups.size());
        if (added)
            groups.push_back({&series, 0, {}});
        Group& group = groups[at->second];
        group.time = std::max(group.time, series.samples.back().time);
        group.buckets.push_back({bound, series.samples.back().value});
    }

    out.series.reserve(groups.size() * quantiles.size());
    for (const std::string& quantile : quantiles) {
        const double q = std::strtod(quantile.c_str(), nullptr);
        for (const Group& group : groups) {
            kube::PromSeries series;
            series.labels = group.first->labels;
            series.labels.erase("le");
            series.labels.erase("__name__");
            series.labels[quantileLabel] = quantile;
            series.samples.push_back({group.time, of(q, group.buckets)});
            out.series.push_back(std::move(series));
        }
    }
    return out;
}

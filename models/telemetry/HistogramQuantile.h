// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kube {
struct PromResult;
}

// Prometheus' histogram_quantile() over classic `le` buckets, computed here from the bucket rates
// Prometheus sends, so one query for the buckets serves several quantiles: Prometheus would sum the
// bucket rates once per histogram_quantile() otherwise, which is most of the work on a large mesh.
// The numbers are Prometheus' own (2.42's bucketQuantile): linear interpolation inside the bucket
// the rank falls in, the lowest bucket starting at 0 (or answered with its bound when that is not
// positive), a rank in the +Inf bucket answered with the highest finite bound, buckets of the same
// bound merged, counts made monotonic, NaN without a +Inf bucket, two buckets or observations.
class HistogramQuantile {
public:
    struct Bucket {
        double upperBound;
        double count; // cumulative, as `le` buckets are
    };
    static double of(double q, std::vector<Bucket> buckets);

    // histogram_quantile(q, buckets) for every q of `quantiles` (as PromQL writes them, "0.95"): the
    // series of `buckets` grouped by their labels but `le` (a series without a parsable `le` is
    // ignored, as Prometheus ignores it), one series per group and quantile, labelled
    // `quantileLabel`=q, at the groups' last sample time. An error in `buckets` is passed on.
    static kube::PromResult of(const kube::PromResult& buckets, const std::vector<std::string>& quantiles,
                               const std::string& quantileLabel);
};

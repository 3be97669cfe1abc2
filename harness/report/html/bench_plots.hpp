// bench-report.html's plots of one benchmark, from plain numbers (the bench turns its
// LatencyHistogram into these: harness/bench/bench_html_report.hpp):
//  - the latency histogram: the buckets merged into at most kHistogramBars bars, on a log axis
//    when the latencies span a factor of 20 or more;
//  - the percentile curve, as HdrHistogram plots it: latency against the percentile on a
//    "nines" axis (0%, 90%, 99%, 99.9%...), one line per series (an open loop's corrected and
//    uncorrected latency).
#pragma once

#include "harness/report/html/html_tree.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kms::html {

inline constexpr std::size_t kHistogramBars = 60;

struct LatencyBucket {
    double low_us = 0;   // lowest value in the bucket
    double high_us = 0;  // highest value in the bucket
    std::uint64_t count = 0;
};

// Nothing drawn when there is no sample.
void histogram_plot(Element parent, const std::vector<LatencyBucket>& buckets, const std::string& title);

struct PercentileSeries {
    std::string name;       // in the legend: "latency", "uncorrected"
    const char* css_class;  // "latency", "uncorrected"
    // (percentile in [0, 100), latency in us), increasing in percentile.
    std::vector<std::pair<double, double>> points;
};

// The percentiles a curve is drawn through for `count` samples: from 0 up to the one of the
// last sample but one (99.9% needs 1000 samples), finely spaced on the nines axis.
std::vector<double> curve_percentiles(std::uint64_t count);

void percentile_plot(Element parent, const std::vector<PercentileSeries>& series, const std::string& title);

// "850 us", "12.3 ms", "1.5 s": a tick label.
std::string us_label(double us);

}  // namespace kms::html

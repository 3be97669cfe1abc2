#include "harness/report/html/bench_plots.hpp"

#include "harness/report/html/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kms::html {

namespace {

constexpr double kWidth = 560, kHeight = 260;
constexpr double kMaxNines = 5;  // 99.999%

// The nines axis: 0% -> 0, 90% -> 1, 99% -> 2, 99.9% -> 3.
double nines(double percentile) { return -std::log10(std::max(1.0 - percentile / 100, 1e-9)); }

std::string percent_label(double nines_value) {
    const double p = 100 * (1 - std::pow(10, -nines_value));
    char buf[32];
    // 90% and 99% need no decimal, 99.9% one, 99.99% two.
    std::snprintf(buf, sizeof buf, "%.*f%%", std::max(0, static_cast<int>(std::round(nines_value)) - 2), p);
    return buf;
}

}  // namespace

std::string us_label(double us) {
    if (us >= 1e6) return round_number(us / 1e6) + " s";
    if (us >= 1e3) return round_number(us / 1e3) + " ms";
    return round_number(us) + " us";
}

void histogram_plot(Element parent, const std::vector<LatencyBucket>& buckets, const std::string& title) {
    std::uint64_t total = 0;
    double lo = 0, hi = 0;
    for (const auto& b : buckets) {
        if (b.count == 0) continue;
        lo = total == 0 ? b.low_us : std::min(lo, b.low_us);
        hi = std::max(hi, b.high_us + 1);  // a bucket holds values up to high_us inclusive
        total += b.count;
    }
    if (total == 0) return;
    lo = std::max(lo, 1.0);
    const bool log = wants_log_axis(lo, hi);
    // Bars of equal width on the axis, each holding the buckets whose middle falls in it.
    const auto edge = [&](std::size_t i) {
        const double f = static_cast<double>(i) / kHistogramBars;
        return log ? lo * std::pow(hi / lo, f) : lo + (hi - lo) * f;
    };
    std::vector<std::uint64_t> bars(kHistogramBars, 0);
    for (const auto& b : buckets) {
        const double mid = (b.low_us + b.high_us) / 2;
        const double f = log ? std::log(std::max(mid, lo) / lo) / std::log(hi / lo) : (mid - lo) / (hi - lo);
        bars[std::min<std::size_t>(kHistogramBars - 1, static_cast<std::size_t>(std::max(0.0, f) * kHistogramBars))] += b.count;
    }
    const std::uint64_t tallest = *std::max_element(bars.begin(), bars.end());

    Plot plot(parent, "histogram-plot", title, "", kWidth, kHeight, {62, 14, 12, 34});
    const Axis x = plot.x_axis(lo, hi, log);
    const Axis y = plot.y_axis(0, static_cast<double>(tallest) * 1.08, false);
    plot.draw_x(x, us_label, log ? "latency (log axis)" : "latency");
    plot.draw_y(y, [](double v) { return round_number(v); }, "requests");
    for (std::size_t i = 0; i < kHistogramBars; ++i) {
        if (bars[i] == 0) continue;
        const double x0 = x.at(edge(i)), x1 = x.at(edge(i + 1));
        const double top = y.at(static_cast<double>(bars[i]));
        rect(plot.marks(), x0, top, std::max(x1 - x0 - 0.5, 1.0), y.at(0) - top, "bar",
             us_label(edge(i)) + " to " + us_label(edge(i + 1)) + ": " + std::to_string(bars[i]) + " requests");
    }
}

std::vector<double> curve_percentiles(std::uint64_t count) {
    std::vector<double> out;
    if (count == 0) return out;
    // The last percentile that still has a sample above it: 1 - 1/count.
    const double top = std::min(kMaxNines, std::log10(static_cast<double>(std::max<std::uint64_t>(count, 2))));
    for (int k = 0; k * 0.05 <= top + 1e-9; ++k) out.push_back(100 * (1 - std::pow(10, -k * 0.05)));
    return out;
}

void percentile_plot(Element parent, const std::vector<PercentileSeries>& series, const std::string& title) {
    double top_nines = 1, hi = 0;
    for (const auto& s : series)
        for (const auto& [p, us] : s.points) {
            top_nines = std::max(top_nines, nines(p));
            hi = std::max(hi, us);
        }
    if (hi <= 0) return;
    Plot plot(parent, "percentile-plot", title, "", kWidth, kHeight, {62, 14, 12, 34});
    const Axis x = plot.x_axis(0, top_nines, false);
    const Axis y = plot.y_axis(0, hi * 1.08, false);
    std::vector<double> ticks;
    for (int n = 0; n <= top_nines + 1e-9; ++n) ticks.push_back(n);
    plot.draw_x(x, percent_label, "percentile", ticks);
    plot.draw_y(y, us_label, "latency");
    double legend_y = plot.top() + 14;
    for (const auto& s : series) {
        std::vector<std::pair<double, double>> points;
        for (const auto& [p, us] : s.points) points.emplace_back(x.at(nines(p)), y.at(us));
        polyline(plot.marks(), points, s.css_class);
        // A dot at each labelled percentile, its tooltip the figure.
        for (const auto& [p, us] : s.points)
            for (double n : ticks)
                if (std::abs(nines(p) - n) < 1e-6)
                    circle(plot.marks(), x.at(nines(p)), y.at(us), 3, s.css_class,
                           s.name + " " + percent_label(n) + ": " + us_label(us));
        Element label = plot.svg().add("text", s.name);
        label.attr("x", px(plot.left() + 34)).attr("y", px(legend_y)).attr("class", std::string("legend ") + s.css_class);
        polyline(plot.svg(), {{plot.left() + 8, legend_y - 4}, {plot.left() + 30, legend_y - 4}}, s.css_class);
        legend_y += 15;
    }
}

}  // namespace kms::html

#include "harness/report/html/latency_plot.hpp"

#include "harness/report/html/case_details.hpp"
#include "harness/report/html/svg_plot.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace kms::html {

namespace {

// The strips, top to bottom: what needs reading first on top. Skipped cases have no time.
constexpr Verdict kRows[] = {Verdict::fail, Verdict::non_strict, Verdict::informational, Verdict::pass};
constexpr double kRowHeight = 34;

struct Dot {
    const RunTally::Entry* entry;
    double ms;
};

std::string ms_label(double ms) {
    if (ms >= 1000) return round_number(ms / 1000) + " s";
    return round_number(ms) + " ms";
}

}  // namespace

void latency_plot(Element parent, const RunTally& tally) {
    std::vector<Dot> dots;
    for (const auto& e : tally.entries())
        if (e.result.verdict != Verdict::skipped && !e.result.exchanges.empty())
            dots.push_back({&e, std::max(std::chrono::duration<double, std::milli>(e.result.response_time()).count(), 0.001)});
    if (dots.empty()) return;
    const auto [lo_it, hi_it] =
        std::minmax_element(dots.begin(), dots.end(), [](const Dot& a, const Dot& b) { return a.ms < b.ms; });
    const double lo = lo_it->ms, hi = hi_it->ms;
    const bool log = wants_log_axis(lo, hi);

    Plot plot(parent, "latency-plot", "Latency of every case", 
              std::string("Each dot is a case: the time the server took, from each request written to its response complete, summed over the case's requests") +
                  (log ? " (log axis)" : "") + ". Hover for its name; click to open it.",
              900, 24 + kRowHeight * 4 + 36, {104, 16, 12, 36});
    const Axis x = log ? plot.x_axis(lo / 1.25, hi * 1.25, true) : plot.x_axis(0, hi > 0 ? hi * 1.05 : 1, false);
    plot.draw_x(x, ms_label, "");
    Element marks = plot.marks();
    for (std::size_t row = 0; row < 4; ++row) {
        const double top = plot.top() + 12 + kRowHeight * static_cast<double>(row);
        plot.row_label(top + kRowHeight / 2, to_string(kRows[row]), "row");
        std::size_t i = 0;
        for (const Dot& d : dots) {
            if (d.entry->result.verdict != kRows[row]) continue;
            // Spread over the strip by the golden ratio: no two neighbours in run order overlap,
            // and the same run draws the same picture.
            const double jitter = std::fmod(static_cast<double>(i++) * 0.6180339887, 1.0);
            const Case& c = d.entry->c;
            Element link = marks.add("a");
            link.attr("href", "#" + case_anchor(c));
            circle(link, x.at(d.ms), top + 5 + jitter * (kRowHeight - 10), 3.5, to_string(kRows[row]),
                   c.full_name() + ": " + millis_text(d.ms) + " (" + to_string(kRows[row]) + ")");
        }
    }
}

}  // namespace kms::html

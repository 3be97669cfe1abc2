#include "harness/report/html/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kms::html {

namespace {

constexpr double kCharWidth = 6.4;  // of an 11 px sans-serif digit, roughly: for anchoring only

double position(const Axis& a, double v) {
    if (a.log) {
        const double lo = std::log10(a.lo), hi = std::log10(a.hi);
        const double lv = v > 0 ? std::log10(v) : lo;
        return hi > lo ? (std::clamp(lv, lo, hi) - lo) / (hi - lo) : 0.5;
    }
    return a.hi > a.lo ? (std::clamp(v, a.lo, a.hi) - a.lo) / (a.hi - a.lo) : 0.5;
}

std::vector<double> linear_ticks(double lo, double hi) {
    const double span = hi - lo;
    if (!(span > 0)) return {lo};
    const double raw = span / 5;
    const double magnitude = std::pow(10, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    std::vector<double> out;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9 && out.size() < 12; v += step)
        out.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
    return out;
}

std::vector<double> log_ticks(double lo, double hi) {
    const int first = static_cast<int>(std::floor(std::log10(lo)));
    const int last = static_cast<int>(std::ceil(std::log10(hi)));
    const bool few_decades = last - first <= 3;
    std::vector<double> out;
    for (int k = first; k <= last; ++k)
        for (double m : {1.0, 2.0, 5.0}) {
            if (m != 1.0 && !few_decades) continue;
            const double v = m * std::pow(10, k);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
        }
    return out;
}

}  // namespace

double Axis::at(double v) const { return px_lo + (px_hi - px_lo) * position(*this, v); }

std::vector<double> Axis::ticks() const {
    std::vector<double> out = log && lo > 0 ? log_ticks(lo, hi) : linear_ticks(lo, hi);
    if (out.size() < 2) out = {lo, hi};
    return out;
}

bool wants_log_axis(double lo, double hi) { return lo > 0 && hi / lo >= 20; }

std::string round_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    std::string s = buf;
    if (s.find('e') == std::string::npos) return s;
    std::snprintf(buf, sizeof buf, "%.0f", v);  // 1e+03 reads worse than 1000
    return buf;
}

std::string px(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", std::isfinite(v) ? v : 0.0);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}

Plot::Plot(Element parent, const char* css_class, std::string_view title, std::string_view caption, double width,
           double height, Margins margins)
    : svg_(nullptr), grid_(nullptr), marks_(nullptr), width_(width), height_(height), margins_(margins) {
    Element figure = parent.add("figure");
    figure.attr("class", "plot");
    svg_ = figure.add("svg");
    svg_.attr("class", css_class)
        .attr("viewBox", "0 0 " + px(width) + " " + px(height))
        .attr("width", px(width))
        .attr("height", px(height))
        .attr("role", "img")
        .attr("aria-label", title);
    svg_.add("title", title);
    rect(svg_, left(), top(), right() - left(), bottom() - top(), "frame");
    grid_ = svg_.add("g");
    grid_.attr("class", "grid");
    marks_ = svg_.add("g");
    marks_.attr("class", "marks");
    if (!caption.empty()) figure.add("figcaption", caption);
}

Element Plot::text_at(double x, double y, const char* anchor, std::string_view text, const char* css_class) {
    Element t = svg_.add("text", text);
    t.attr("x", px(x)).attr("y", px(y)).attr("class", css_class);
    if (std::string_view(anchor) != "start") t.attr("text-anchor", anchor);
    return t;
}

void Plot::draw_x(const Axis& axis, const TickLabel& label, std::string_view caption, const std::vector<double>& ticks) {
    for (double v : ticks.empty() ? axis.ticks() : ticks) {
        const double x = axis.at(v);
        Element line = grid_.add("line");
        line.attr("x1", px(x)).attr("x2", px(x)).attr("y1", px(top())).attr("y2", px(bottom() + 4));
        const std::string text = label(v);
        const double half = text.size() * kCharWidth / 2;
        // Inwards at the edges: a label centred on the first or last tick would stick out.
        const char* anchor = x - half < 1 ? "start" : x + half > width_ - 1 ? "end" : "middle";
        const double at = anchor[0] == 's' ? std::max(x, 1.0) : anchor[0] == 'e' ? std::min(x, width_ - 1) : x;
        text_at(at, bottom() + 15, anchor, text, "tick");
    }
    if (!caption.empty()) text_at((left() + right()) / 2, height_ - 3, "middle", caption, "caption");
}

void Plot::draw_y(const Axis& axis, const TickLabel& label, std::string_view caption, const std::vector<double>& ticks) {
    for (double v : ticks.empty() ? axis.ticks() : ticks) {
        const double y = axis.at(v);
        Element line = grid_.add("line");
        line.attr("x1", px(left() - 4)).attr("x2", px(right())).attr("y1", px(y)).attr("y2", px(y));
        left_label(y, label(v), "tick");
    }
    if (!caption.empty()) {
        // Written upwards along the left edge, inside the box.
        Element t = text_at(0, 0, "middle", caption, "caption");
        t.attr("transform", "translate(11 " + px((top() + bottom()) / 2) + ") rotate(-90)");
    }
}

void Plot::row_label(double y, std::string_view text, const char* css_class) { left_label(y, text, css_class); }

void Plot::left_label(double y, std::string_view text, const char* css_class) {
    // The baseline 4 px under y, kept 11 px from the top and 2 px from the bottom; right-aligned
    // on the frame unless it is wider than the margin.
    const double baseline = std::clamp(y + 4, 11.0, height_ - 2);
    if (text.size() * kCharWidth > left() - 6) text_at(1, baseline, "start", text, css_class);
    else text_at(left() - 6, baseline, "end", text, css_class);
}

Element circle(Element parent, double cx, double cy, double r, const char* css_class, std::string_view title) {
    Element c = parent.add("circle");
    c.attr("cx", px(cx)).attr("cy", px(cy)).attr("r", px(r)).attr("class", css_class);
    if (!title.empty()) c.add("title", title);
    return c;
}

Element rect(Element parent, double x, double y, double w, double h, const char* css_class, std::string_view title) {
    Element r = parent.add("rect");
    r.attr("x", px(x)).attr("y", px(y)).attr("width", px(std::max(w, 0.0))).attr("height", px(std::max(h, 0.0)));
    r.attr("class", css_class);
    if (!title.empty()) r.add("title", title);
    return r;
}

Element polyline(Element parent, const std::vector<std::pair<double, double>>& points, const char* css_class) {
    std::string list;
    for (const auto& [x, y] : points) {
        if (!list.empty()) list += ' ';
        list += px(x) + "," + px(y);
    }
    Element p = parent.add("polyline");
    p.attr("points", list).attr("class", css_class);
    return p;
}

}  // namespace kms::html

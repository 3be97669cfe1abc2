// Inline SVG charts for the HTML reports, drawn as elements of the report's libxml2 tree: an
// Axis maps values onto pixels (linear, or log10 when the values span decades) and picks round
// ticks; a Plot draws its frame, grid, tick labels and captions, and gives the caller a group to
// put its marks in. Labels are anchored so that they stay inside the SVG's box: the first and
// last tick labels of an axis are aligned inwards, never cut at an edge.
#pragma once

#include "harness/report/html/html_tree.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kms::html {

struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    double px_lo = 0, px_hi = 1;  // the pixel of lo and of hi (a y axis runs upwards: px_lo > px_hi)

    // The pixel of `v`, clamped into the axis's range (a log axis takes v <= 0 as lo).
    double at(double v) const;
    // Round values within [lo, hi]: 1, 2, 5 x 10^k (linear: at most about 6; log: each decade,
    // with 2 and 5 when few decades), never fewer than the two ends.
    std::vector<double> ticks() const;
};

// True when positive values from lo to hi span a factor of 20 or more: a linear axis would
// squeeze the small ones into a corner.
bool wants_log_axis(double lo, double hi);

// "0.25", "3", "1.5k"-free plain numbers with at most 3 significant digits.
std::string round_number(double v);

using TickLabel = std::function<std::string(double)>;

class Plot {
public:
    struct Margins {
        double left = 56, right = 14, top = 12, bottom = 34;
    };
    // <figure class="plot"><svg class=css_class viewBox="0 0 width height" role="img">
    // <title>title</title> ...</svg><figcaption>caption</figcaption></figure> under `parent`.
    Plot(Element parent, const char* css_class, std::string_view title, std::string_view caption, double width,
         double height, Margins margins);

    double left() const { return margins_.left; }
    double right() const { return width_ - margins_.right; }
    double top() const { return margins_.top; }
    double bottom() const { return height_ - margins_.bottom; }

    // An axis spanning the plot area horizontally or vertically.
    Axis x_axis(double lo, double hi, bool log) const { return {lo, hi, log, left(), right()}; }
    Axis y_axis(double lo, double hi, bool log) const { return {lo, hi, log, bottom(), top()}; }

    // Grid lines and tick labels for each tick (or for `ticks` when given), and the axis's caption.
    void draw_x(const Axis& axis, const TickLabel& label, std::string_view caption,
                const std::vector<double>& ticks = {});
    void draw_y(const Axis& axis, const TickLabel& label, std::string_view caption,
                const std::vector<double>& ticks = {});
    // A label at the left of a band of the plot area (a strip plot's rows).
    void row_label(double y, std::string_view text, const char* css_class);

    // Where the caller draws: <g class="marks">, above the grid.
    Element marks() const { return marks_; }

    Element svg() const { return svg_; }

private:
    Element text_at(double x, double y, const char* anchor, std::string_view text, const char* css_class);
    void left_label(double y, std::string_view text, const char* css_class);

    Element svg_;
    Element grid_;
    Element marks_;
    double width_, height_;
    Margins margins_;
};

// Marks, each optionally with a <title> (the browser's tooltip).
Element circle(Element parent, double cx, double cy, double r, const char* css_class, std::string_view title = {});
Element rect(Element parent, double x, double y, double w, double h, const char* css_class, std::string_view title = {});
Element polyline(Element parent, const std::vector<std::pair<double, double>>& points, const char* css_class);

// A coordinate as SVG attributes carry it: one decimal, no exponent.
std::string px(double v);

}  // namespace kms::html

#include "harness/bench/slo.hpp"

#include "common/text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kms::bench {

namespace {

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '.'; }

// A plain decimal number ("50", "99.9", ".5"): no sign, exponent, hex, inf or nan, which
// strtod would otherwise accept.
std::optional<double> parse_number(std::string_view s) {
    if (s.empty() || s.find_first_not_of("0123456789.") != std::string_view::npos ||
        s.find('.') != s.rfind('.') || s == ".")
        return std::nullopt;
    std::string copy(s);
    return std::strtod(copy.c_str(), nullptr);
}

bool is_latency(SloMetric m) { return m == SloMetric::percentile || m == SloMetric::max || m == SloMetric::mean; }

std::string percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g%%", fraction * 100.0);
    return buf;
}

}  // namespace

std::string format_us(double us) {
    char buf[48];
    if (us < 1000) std::snprintf(buf, sizeof buf, "%.0f us", us);
    else if (us < 1e6) std::snprintf(buf, sizeof buf, "%.3g ms", us / 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g s", us / 1e6);
    return buf;
}

std::optional<Slo> parse_slo(std::string_view text, std::string* error) {
    std::string s;
    for (char c : to_lower(text))
        if (c != ' ' && c != '\t') s += c;
    auto fail = [&](const std::string& why) -> std::optional<Slo> {
        if (error) *error = "--slo '" + std::string(text) + "': " + why;
        return std::nullopt;
    };
    Slo slo;
    slo.text = std::string(text);

    // The metric.
    std::string_view rest(s);
    if (rest.substr(0, 2) == "p(") {
        auto close = rest.find(')');
        if (close == std::string_view::npos) return fail("missing ')' after the percentile");
        auto p = parse_number(rest.substr(2, close - 2));
        if (!p) return fail("the percentile in p(...) is not a number");
        slo.percentile = *p;
        rest.remove_prefix(close + 1);
    } else if (rest.size() > 1 && rest[0] == 'p' && is_number_char(rest[1])) {
        std::size_t end = 1;
        while (end < rest.size() && is_number_char(rest[end])) ++end;
        auto p = parse_number(rest.substr(1, end - 1));
        if (!p) return fail("the percentile after 'p' is not a number");
        slo.percentile = *p;
        rest.remove_prefix(end);
    } else if (rest.substr(0, 3) == "max") {
        slo.metric = SloMetric::max;
        rest.remove_prefix(3);
    } else if (rest.substr(0, 4) == "mean" || rest.substr(0, 3) == "avg") {
        slo.metric = SloMetric::mean;
        rest.remove_prefix(rest[0] == 'm' ? 4 : 3);
    } else if (rest.substr(0, 6) == "errors") {
        slo.metric = SloMetric::error_count;  // or error_rate, decided by the unit below
        rest.remove_prefix(6);
    } else if (rest.substr(0, 3) == "rps") {
        slo.metric = SloMetric::requests_per_second;
        rest.remove_prefix(3);
    } else {
        return fail("unknown metric: expected pN (e.g. p99, p99.9, p(95)), max, mean, errors or rps");
    }
    if (slo.metric == SloMetric::percentile && !(slo.percentile > 0 && slo.percentile <= 100))
        return fail("the percentile must be in (0, 100]");

    // The comparison: latency and errors have upper bounds, the rate a lower one.
    const bool lower_bound = slo.metric == SloMetric::requests_per_second;
    if (rest.substr(0, 2) == (lower_bound ? ">=" : "<=")) {
        rest.remove_prefix(2);
    } else if (!rest.empty() && rest[0] == (lower_bound ? '>' : '<')) {
        slo.strict = true;
        rest.remove_prefix(1);
    } else {
        return fail(lower_bound ? "expected '>=' or '>' after rps" : "expected '<=' or '<' after the metric");
    }

    // The threshold and its unit.
    std::size_t end = 0;
    while (end < rest.size() && is_number_char(rest[end])) ++end;
    auto value = parse_number(rest.substr(0, end));
    if (!value) return fail("the threshold is not a non-negative number");
    const std::string_view unit = rest.substr(end);
    if (is_latency(slo.metric)) {
        if (unit == "us" || unit == "\xc2\xb5s") slo.threshold = *value;
        else if (unit == "ms") slo.threshold = *value * 1e3;
        else if (unit == "s") slo.threshold = *value * 1e6;
        else if (unit.empty()) return fail("missing unit (us, ms or s)");
        else return fail("unknown unit '" + std::string(unit) + "' (us, ms or s)");
    } else if (slo.metric == SloMetric::error_count) {
        if (unit == "%") {
            if (*value > 100) return fail("an error share above 100% always holds");
            slo.metric = SloMetric::error_rate;
            slo.threshold = *value / 100.0;
        } else if (unit.empty()) {
            if (std::floor(*value) != *value) return fail("an error count must be a whole number (or use %)");
            slo.threshold = *value;
        } else {
            return fail("unknown unit '" + std::string(unit) + "' for errors (a share in %, or a count)");
        }
    } else {
        if (!unit.empty() && unit != "/s") return fail("rps takes a plain number of responses per second");
        slo.threshold = *value;
    }
    return slo;
}

SloVerdict evaluate_slo(const Slo& slo, const SloInput& in) {
    SloVerdict v;
    auto upper = [&](double measured) { return slo.strict ? measured < slo.threshold : measured <= slo.threshold; };
    if (is_latency(slo.metric)) {
        if (!in.latency || in.latency->count() == 0) {
            v.measured = "no successful response to measure";
            return v;
        }
        double measured = 0;
        std::string name;
        if (slo.metric == SloMetric::percentile) {
            measured = static_cast<double>(in.latency->percentile(slo.percentile));
            char buf[32];
            std::snprintf(buf, sizeof buf, "p%g", slo.percentile);
            name = buf;
        } else if (slo.metric == SloMetric::max) {
            measured = static_cast<double>(in.latency->max());
            name = "max";
        } else {
            measured = in.latency->mean();
            name = "mean";
        }
        v.held = upper(measured);
        v.measured = name + " = " + format_us(measured);
        v.value = measured / 1e3;
        return v;
    }
    if (slo.metric == SloMetric::requests_per_second) {
        v.held = slo.strict ? in.requests_per_second > slo.threshold : in.requests_per_second >= slo.threshold;
        char buf[48];
        std::snprintf(buf, sizeof buf, "rps = %.1f", in.requests_per_second);
        v.measured = buf;
        v.value = in.requests_per_second;
        return v;
    }
    const std::string of = std::to_string(in.errors) + " of " + std::to_string(in.attempts);
    if (in.attempts == 0) {
        v.measured = "no request completed";
        return v;
    }
    if (slo.metric == SloMetric::error_rate) {
        const double share = static_cast<double>(in.errors) / static_cast<double>(in.attempts);
        v.held = upper(share);
        v.value = share;
        v.measured = "errors = " + percent(share) + " (" + of + ")";
    } else {
        v.held = upper(static_cast<double>(in.errors));
        v.value = static_cast<double>(in.errors);
        v.measured = "errors = " + of;
    }
    return v;
}

std::optional<std::vector<Slo>> parse_slos(const std::vector<std::string>& texts, std::string* error) {
    std::vector<Slo> out;
    for (const auto& text : texts) {
        auto slo = parse_slo(text, error);
        if (!slo) return std::nullopt;
        out.push_back(std::move(*slo));
    }
    return out;
}

}  // namespace kms::bench

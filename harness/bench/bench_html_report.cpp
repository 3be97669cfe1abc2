#include "harness/bench/bench_html_report.hpp"

#include "common/utc_time.hpp"
#include "harness/bench/bench_gate.hpp"
#include "harness/bench/percentile_support.hpp"
#include "harness/report/html/bench_plots.hpp"
#include "harness/report/html/html_tree.hpp"
#include "harness/report/html/report_style.hpp"
#include "harness/report/tool_version.hpp"

#include <cstdio>

namespace kms::bench {

namespace {

using html::Element;

std::vector<html::LatencyBucket> plot_buckets(const LatencyHistogram& h) {
    std::vector<html::LatencyBucket> out;
    for (const auto& b : h.buckets())
        out.push_back({static_cast<double>(b.low_us), static_cast<double>(b.high_us), b.count});
    return out;
}

html::PercentileSeries series(const char* name, const char* css_class, const LatencyHistogram& h) {
    html::PercentileSeries s{name, css_class, {}};
    for (double p : html::curve_percentiles(h.count()))
        s.points.emplace_back(p, static_cast<double>(p > 0 ? h.percentile(p) : h.min()));
    return s;
}

void row(Element table, const std::string& name, const std::string& value) {
    Element tr = table.add("tr");
    tr.add("th", name);
    tr.add("td", value);
}

void figures(Element section, const LoadResult& res) {
    Element table = section.add("table");
    table.attr("class", "numbers figures");
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", res.requests_per_second);
    row(table, "successful responses", std::to_string(res.latency.count()));
    row(table, "responses/s", rate);
    row(table, "errors", std::to_string(res.error_total()));
    if (res.latency.count() == 0) return;
    for (double p : kReportedPercentiles) {
        char name[16];
        std::snprintf(name, sizeof name, "p%g", p);
        row(table, name, format_us(static_cast<double>(res.latency.percentile(p))));
    }
    row(table, "max", format_us(static_cast<double>(res.latency.max())));
    row(table, "mean", format_us(res.latency.mean()));
}

void slo_table(Element section, const LoadResult& res, const std::vector<Slo>& slos) {
    if (slos.empty() || !res.setup_error.empty()) return;
    Element table = section.add("table");
    table.attr("class", "numbers slos");
    Element head = table.add("tr");
    head.add("th", "SLO");
    head.add("th", "verdict");
    head.add("th", "measured");
    for (const auto& slo : slos) {
        const SloVerdict v = evaluate_slo(slo, slo_input(res));
        Element tr = table.add("tr");
        tr.add("td").add("code", slo.text);
        tr.add("td", v.held ? "held" : "breached").attr("class", v.held ? "held" : "breached");
        tr.add("td", v.measured);
    }
}

void benchmark_section(Element body, const BenchRecord& r, const std::vector<Slo>& slos) {
    Element section = body.add("section");
    section.attr("class", "benchmark").attr("data-benchmark", r.name);
    section.add("h2").add("code", r.name);
    const std::string nothing = measured_nothing(r.result);
    if (!nothing.empty()) section.add("p", "measured nothing: " + nothing).attr("class", "warning");
    figures(section, r.result);
    slo_table(section, r.result, slos);
    section.add("pre", summary_text(r)).attr("class", "summary");
    if (r.result.latency.count() == 0) return;
    html::histogram_plot(section, plot_buckets(r.result.latency),
                         r.spec.mode == LoadMode::open ? "Latency histogram (from the intended send time)"
                                                       : "Latency histogram");
    std::vector<html::PercentileSeries> curves{series(
        r.spec.mode == LoadMode::open ? "corrected (from intended send)" : "latency", "latency", r.result.latency)};
    if (r.spec.mode == LoadMode::open)
        curves.push_back(series("uncorrected (from actual send)", "uncorrected", r.result.uncorrected));
    html::percentile_plot(section, curves, "Latency by percentile");
}

html::Document build(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos, const BenchReportInfo& info) {
    html::Document doc("kmsconf bench: " + info.target);
    html::report_style(doc.head());
    Element body = doc.body();
    Element header = body.add("header");
    header.add("h1", "kmsconf bench report");
    Element facts = header.add("dl");
    facts.attr("class", "run");
    const auto fact = [&](const char* name, const std::string& value) {
        facts.add("dt", name);
        facts.add("dd", value);
    };
    fact("Target", info.target);
    fact("Tool", tool_version());
    fact("Started", utc_date_time(info.started));
    if (!records.empty()) fact("Load", load_text(records.front().spec));
    if (!slos.empty()) {
        facts.add("dt", "SLOs");
        Element list = facts.add("dd");
        for (const auto& slo : slos) {
            bool held = true;
            for (const auto& r : records) held = held && r.result.setup_error.empty() && evaluate_slo(slo, slo_input(r.result)).held;
            list.add("code", slo.text);
            list.add("span", held ? " held " : " breached ").attr("class", held ? "held" : "breached");
        }
    }
    for (const auto& r : records) benchmark_section(body, r, slos);
    return doc;
}

}  // namespace

std::string bench_html_report(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                              const BenchReportInfo& info) {
    return build(records, slos, info).serialize();
}

void write_bench_html_report(const std::filesystem::path& file, const std::vector<BenchRecord>& records,
                             const std::vector<Slo>& slos, const BenchReportInfo& info) {
    build(records, slos, info).write(file);
}

}  // namespace kms::bench

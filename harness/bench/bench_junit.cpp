#include "harness/bench/bench_junit.hpp"
#include "common/utc_time.hpp"

#include "harness/bench/bench_gate.hpp"
#include "harness/report/tool_version.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdio>
#include <map>

namespace kms::bench {

namespace {

JunitSuite benchmark_suite(const BenchRecord& r, const std::vector<Slo>& slos, const std::string& prefix) {
    JunitSuite suite{prefix + r.name, {}};
    JunitCase measured{"measured", suite.name};
    measured.seconds = r.result.window_seconds;
    const std::string nothing = measured_nothing(r.result);
    if (!nothing.empty()) {
        measured.outcome = JunitCase::Outcome::failed;
        measured.type = "measured";
        measured.message = one_line(nothing);
        measured.text = summary_text(r);
    } else {
        measured.system_out = summary_text(r);
    }
    suite.cases.push_back(std::move(measured));
    for (const auto& slo : slos) {
        JunitCase t{slo.text, suite.name};
        if (!r.result.setup_error.empty()) {
            t.outcome = JunitCase::Outcome::skipped;
            t.message = "the benchmark did not run: " + one_line(r.result.setup_error);
        } else if (const SloVerdict v = evaluate_slo(slo, slo_input(r.result)); !v.held) {
            t.outcome = JunitCase::Outcome::failed;
            t.type = "slo";
            t.message = "SLO breached: " + slo.text + ": " + v.measured;
            t.text = t.message + "\n" + r.name + " (" + load_text(r.spec) + ")\n";
        } else {
            t.system_out = "SLO held: " + slo.text + ": " + v.measured + "\n";
        }
        suite.cases.push_back(std::move(t));
    }
    return suite;
}

}  // namespace

JunitDocument bench_junit(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                          const BenchReportInfo& info) {
    JunitDocument doc;
    doc.name = info.prefix.empty() ? "kmsconf bench" : info.prefix;
    doc.timestamp = utc_date_time(info.started);
    doc.properties = {{"target", info.target}, {"tool", tool_version()}, {"start_time", doc.timestamp}};
    if (!records.empty()) doc.properties.emplace_back("load", load_text(records.front().spec));
    const std::string prefix = info.prefix.empty() ? "" : info.prefix + ".";
    for (const auto& r : records) doc.suites.push_back(benchmark_suite(r, slos, prefix));
    return doc;
}

std::string bench_summary_json(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                               const BenchReportInfo& info) {
    std::map<std::string, bool> overall;  // threshold -> held by every benchmark
    for (const auto& slo : slos) overall[slo.text] = true;
    bool all_ok = true;
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("format"); w.String("kmsconf-bench-summary/1");
    w.Key("target"); w.String(info.target);
    w.Key("tool"); w.String(tool_version());
    w.Key("start_time"); w.String(utc_date_time(info.started));
    w.Key("benchmarks");
    w.StartObject();
    for (const auto& r : records) {
        const std::string nothing = measured_nothing(r.result);
        bool ok = nothing.empty();
        w.Key(r.name);
        w.StartObject();
        w.Key("requests"); w.Uint64(r.result.latency.count());
        w.Key("errors"); w.Uint64(r.result.error_total());
        w.Key("requests_per_second"); w.Double(r.result.requests_per_second);
        w.Key("measured"); w.String(nothing);
        w.Key("thresholds");
        w.StartObject();
        for (const auto& slo : slos) {
            const SloVerdict v = r.result.setup_error.empty() ? evaluate_slo(slo, slo_input(r.result)) : SloVerdict{};
            ok = ok && v.held;
            overall[slo.text] = overall[slo.text] && v.held;
            w.Key(slo.text);
            w.StartObject();
            w.Key("ok"); w.Bool(v.held);
            w.Key("value");
            if (v.value) w.Double(*v.value);
            else w.Null();
            w.Key("measured"); w.String(v.measured.empty() ? nothing : v.measured);
            w.EndObject();
        }
        w.EndObject();
        w.Key("ok"); w.Bool(ok);
        w.EndObject();
        all_ok = all_ok && ok;
    }
    w.EndObject();
    w.Key("thresholds");
    w.StartObject();
    for (const auto& slo : slos) {  // in the order given, as k6 lists them
        w.Key(slo.text);
        w.StartObject();
        w.Key("ok"); w.Bool(overall[slo.text]);
        w.EndObject();
    }
    w.EndObject();
    w.Key("ok"); w.Bool(all_ok && !records.empty());
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace kms::bench

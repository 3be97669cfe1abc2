// `kmsconf bench merge DIR... [--report-dir OUT] [--slo EXPR]...`: the report folders of the N
// segments of one run (`kmsconf bench --segment K/N`) merged into the run's reports, exactly
// (bench/segment_merge.hpp), and gated on --slo as a single run is.
#include "harness/cli/bench_command.hpp"

#include "harness/bench/google_benchmark_json.hpp"
#include "harness/bench/segment_merge.hpp"
#include "harness/cli/bench_options.hpp"
#include "harness/cli/bench_reports.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/flag_table.hpp"
#include "harness/cli/target_setup.hpp"

#include <fstream>
#include <iostream>

namespace kms::cli {

namespace {

using namespace kms::bench;

struct MergeOptions {
    std::vector<std::string> dirs;
    std::string report_dir;
    std::string junit_prefix;
    std::vector<Slo> slos;
};

const std::vector<Flag<MergeOptions>>& merge_flag_table() {
    using O = MergeOptions;
    static const std::vector<Flag<O>> table = {
        text_flag<O>(FlagSpec("report-dir", "the folder the merged reports are written to").defaults_to("reports").refuse_empty(),
                     &O::report_dir),
        text_flag<O>(FlagSpec("junit-prefix", "prefix bench-junit.xml's suite names with NAME.").refuse_empty(), &O::junit_prefix),
        bench::slo_flag<O>("threshold that fails the merged run (repeatable), as kmsconf bench takes it, "
                           "e.g. p99<=50ms, errors<=0.1%, rps>=100"),
    };
    return table;
}

constexpr const char* kUsage =
    "Usage: kmsconf bench merge DIR... [options]\n"
    "Merges the report folders of the N segments of one run (kmsconf bench --segment K/N, each\n"
    "K once) into that run's reports: the histograms add bucket by bucket, the counts and rates\n"
    "add. Writes <report-dir>/bench.json (compare.py reads it), bench-histograms.json,\n"
    "bench-junit.xml, bench-summary.json, bench-report.html and bench-*.hgrm, and gates on --slo.\n"
    "Exit codes: 0 every SLO held; 1 an SLO breached or a benchmark without a successful\n"
    "response; 2 usage error, or folders that are not the N segments of one run (named).\n\nOptions";

int merge(const MergeOptions& o) {
    MergedRun run;
    try {
        run = merge_segments(std::vector<std::filesystem::path>(o.dirs.begin(), o.dirs.end()));
    } catch (const MergeError& e) {
        throw CommandStop(kExitUsage, e.what());
    }
    prepare_bench_report_folder(o.report_dir);
    const std::filesystem::path out(o.report_dir);
    std::cerr << "kmsconf bench merge: " << run.segments << " segments of " << run.records.size()
              << " benchmark(s) against " << run.target << "\n";
    bool written = true;
    {
        std::ofstream json(out / "bench.json", std::ios::binary | std::ios::trunc);
        json << google_benchmark_json(run.records, {{"kmsconf_merged_segments", std::to_string(run.segments)}});
        if (!json) {
            std::cerr << "kmsconf bench merge: cannot write " << (out / "bench.json").string() << "\n";
            written = false;
        }
    }
    write_histograms(out, run.records, run.target);
    const BenchReportInfo info{run.target + " (" + std::to_string(run.segments) + " segments merged)", o.junit_prefix,
                               std::chrono::system_clock::now()};
    written = write_ci_reports(out, run.records, o.slos, info) && written;
    return bench_verdict(run.records, o.slos, o.report_dir, written);
}

}  // namespace

int bench_merge_main(int argc, char** argv) {
    MergeOptions o;
    ParsedLine line = parse_flag_line(argc, argv, kUsage, merge_flag_table(), "kmsconf bench merge", o);
    if (line.exit_code) return *line.exit_code;
    o.dirs = std::move(line.stray);
    if (o.dirs.empty()) return usage_error("kmsconf bench merge", "no report folder given (kmsconf bench merge DIR...)");
    return exit_code_of("kmsconf bench merge", [&] { return merge(o); });
}

}  // namespace kms::cli

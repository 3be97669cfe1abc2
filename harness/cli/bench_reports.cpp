#include "harness/cli/bench_reports.hpp"

#include "harness/bench/bench_gate.hpp"
#include "harness/bench/bench_html_report.hpp"
#include "harness/bench/hgrm.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/target_setup.hpp"
#include "harness/report/junit_document.hpp"
#include "harness/report/report_files.hpp"

#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace kms::cli {

using namespace kms::bench;

namespace {

// The previous run's .hgrm files: their names follow the benchmarks, so they are found by shape.
void remove_stale_hgrm(const fs::path& report_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(report_dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("bench-", 0) == 0 && name.size() > 5 && name.compare(name.size() - 5, 5, ".hgrm") == 0)
            fs::remove(entry.path(), ec);
    }
}

}  // namespace

void prepare_bench_report_folder(const std::string& report_dir) {
    // Google Benchmark aborts on a bench.json it cannot open, after the measuring: found now.
    remove_stale_reports(report_dir, kBenchReportFiles);
    remove_stale_hgrm(report_dir);
    check_report_folder(report_dir, kBenchReportFiles);
}

void write_histograms(const fs::path& report_dir, const std::vector<BenchRecord>& records, const std::string& target,
                      const std::string& segment) {
    try {
        std::ofstream(report_dir / "bench-histograms.json") << histograms_json(records, target, segment);
        for (const auto& r : records) {
            std::ofstream(report_dir / hgrm_file_name(r.name, false)) << percentile_distribution(r.result.latency);
            if (r.spec.mode == LoadMode::open)
                std::ofstream(report_dir / hgrm_file_name(r.name, true)) << percentile_distribution(r.result.uncorrected);
        }
    } catch (const std::exception& e) {
        std::cerr << "kmsconf bench: cannot write bench-histograms.json: " << e.what() << "\n";
    }
}

bool write_ci_reports(const fs::path& report_dir, const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                      const BenchReportInfo& info) {
    try {
        write_junit_file((report_dir / "bench-junit.xml").string(), bench_junit(records, slos, info));
        std::ofstream out(report_dir / "bench-summary.json", std::ios::binary | std::ios::trunc);
        out << bench_summary_json(records, slos, info);
        if (!out) throw std::runtime_error("cannot write " + (report_dir / "bench-summary.json").string());
        write_bench_html_report(report_dir / "bench-report.html", records, slos, info);
        return true;
    } catch (const std::exception& e) {
        std::cerr << "kmsconf bench: " << e.what() << "\n";
        return false;
    }
}

int bench_verdict(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos, const std::string& report_dir,
                  bool reports_written) {
    std::cout << "\n";
    const GateResult g = gate(records, slos, std::cout);
    std::cout << "\nkmsconf bench: reports in " << report_dir
              << "/ (bench.json, bench-histograms.json, bench-junit.xml, bench-summary.json, bench-report.html, bench-*.hgrm)\n";
    if (g.unreachable) {
        std::cerr << "kmsconf bench: every request failed to connect: target unreachable\n";
        return kExitUnreachable;
    }
    // Repeated on stderr at the end, where CI logs show them.
    for (const auto& b : g.breaches) std::cerr << "kmsconf bench: " << b << "\n";
    if (g.failed && g.breaches.empty()) std::cerr << "kmsconf bench: FAILED (see above)\n";
    if (!reports_written) return kExitUsage;
    return g.failed ? kExitFailures : kExitOk;
}

}  // namespace kms::cli

// `kmsconf bench`: the latency benchmark, built on Google Benchmark. See
// harness/cli/bench_options.hpp for the flags and docs/bench.md for
// what it measures and reports.
#pragma once

namespace kms::cli {

// argv[0] is "bench". Exit codes (exit_codes.hpp): 0 every SLO held; 1 an SLO was breached or a
// benchmark got no successful response; 2 usage or configuration error; 3 target unreachable.
// `kmsconf bench merge DIR...` goes to bench_merge_main.
int bench_main(int argc, char** argv);

// argv[0] is "merge": the N segments' report folders of one run merged (bench_merge_command.cpp).
int bench_merge_main(int argc, char** argv);

}  // namespace kms::cli

// `kmsconf bench merge DIR...`: the N segments of one run (`kmsconf bench --segment K/N`, each a
// report folder) joined into the run they are shares of. Exact: the histograms add bucket by
// bucket (the same layout in every folder, or the merge is refused), the counts and rates add,
// so the merged percentiles are those of the union of every segment's samples within the
// histogram's precision. Plain C++, no I/O beyond reading the folders' bench-histograms.json.
#pragma once

#include "harness/bench/bench_report.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace kms::bench {

// Why the folders are not the N segments of one run, naming the folders concerned.
struct MergeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct MergedRun {
    std::string target;               // as every segment names it
    unsigned segments = 0;            // N
    std::vector<BenchRecord> records;  // per benchmark, in the first folder's order; the load is the whole run's
};

// Reads <dir>/bench-histograms.json of each folder. Refused (MergeError): a folder that is not a
// segment's report (no such file, not the format, no "segment"), segments of different N, a
// segment missing or given twice, another target, another set of benchmarks, or a benchmark run
// with another mode, warm-up or duration, or whose histograms are not of this layout.
MergedRun merge_segments(const std::vector<std::filesystem::path>& dirs);

}  // namespace kms::bench

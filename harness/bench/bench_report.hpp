// What a benchmark produced, in the forms people and programs read: the console summary and
// <report-dir>/bench-histograms.json (every benchmark's histograms, for the HTML report and for
// merging runs). bench.json itself is written by Google Benchmark's JSON reporter.
#pragma once

#include "harness/bench/latency_histogram.hpp"
#include "harness/bench/engine/load_engine.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms::bench {

struct BenchRecord {
    std::string name;  // the Google Benchmark name, e.g. "replicate_valid/closed/connections:1"
    LoadSpec spec;
    LoadResult result;
};

// {"format":"kmsconf-bench-histograms/1","target":..,"benchmarks":[{"name":..,"mode":..,
//  "connections":..,"rate":..,"requests_per_second":..,"errors":{"connect":..,..},
//  "statuses":{"200":..},"latency":<histogram>,"uncorrected":<histogram>}]}
// "latency" is timed from the intended send time in open loops (see LoadResult).
// With --segment, "segment":"K/N" at the top, and each benchmark's load is the segment's share;
// the counts `kmsconf bench merge` sums ride along ("sent", "completed_in_window",
// "connections_opened", "backlog_at_end"; an open loop's "send_lag" histogram and
// "queued_for_connection") with the run's warm-up and duration.
std::string histograms_json(const std::vector<BenchRecord>& records, const std::string& target,
                            const std::string& segment = "");

// bench-histograms.json read back (kmsconf bench merge): each benchmark as the record it was
// written from, its load and what the file holds of its result (the counts, errors, statuses
// and histograms; not the error examples, the connection phases or the client's CPU).
struct HistogramsFile {
    std::string target;
    std::string segment;  // "K/N"; "" for a whole run
    std::vector<BenchRecord> records;
};
// nullopt with *error set when the text is not such a document, naming the benchmark and member.
std::optional<HistogramsFile> parse_histograms_json(std::string_view text, std::string* error);

// "closed, 16 connection(s)", "open, 8 connection(s), 2000 requests/s": the load, as reports name it.
std::string load_text(const LoadSpec& spec);

// A few lines for people: throughput, percentiles (corrected and uncorrected for open loops),
// errors by kind with the first message of each, statuses, and warnings (an open loop that
// fell behind its rate).
std::string summary_text(const BenchRecord& record);

// Open loop: when the generator's send lag p99 exceeds this share of the corrected p99 latency,
// the figures measure the client as much as the target, and the summary says so.
inline constexpr double kSendLagWarnShare = 0.10;
// The warning line (without a newline), or "" when the send lag is within that share.
std::string send_lag_warning(const LoadResult& result);

}  // namespace kms::bench

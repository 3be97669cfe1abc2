// `kmsconf bench merge`'s arithmetic and refusals (harness/bench/segment_merge.hpp): segment
// folders written as `kmsconf bench --segment` writes them, merged exactly, and every way folders
// can fail to be the N segments of one run refused with the folders named.
#include "harness/bench/segment_merge.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <unistd.h>

namespace kms::bench {
namespace {

namespace fs = std::filesystem;

struct Folders {
    fs::path root;
    Folders() : root(fs::temp_directory_path() / ("kmsconf-merge-" + std::to_string(::getpid()))) {
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~Folders() { fs::remove_all(root); }
    // A segment's folder holding `records` as its bench-histograms.json.
    fs::path write(const std::string& name, const std::vector<BenchRecord>& records, const std::string& segment,
                   const std::string& target = "http://127.0.0.1:9/v2") {
        const fs::path dir = root / name;
        fs::create_directories(dir);
        std::ofstream(dir / "bench-histograms.json") << histograms_json(records, target, segment);
        return dir;
    }
};

// A segment's open-loop record: `samples` latencies drawn from `seed`, into `all` too.
BenchRecord segment_record(unsigned seed, unsigned connections, double rate, std::size_t samples, LatencyHistogram& all) {
    BenchRecord r;
    r.name = "replicate_malformed/open/rate:3000/connections:3/manual_time";
    r.spec.mode = LoadMode::open;
    r.spec.connections = connections;
    r.spec.rate = rate;
    r.spec.warmup = std::chrono::seconds(1);
    r.spec.duration = std::chrono::seconds(5);
    std::mt19937_64 gen(seed);
    std::lognormal_distribution<double> latency(5.5, 1.2);  // ~250 us, a long tail
    for (std::size_t i = 0; i < samples; ++i) {
        const auto us = static_cast<std::uint64_t>(latency(gen)) + 1;
        r.result.latency.record(us);
        r.result.uncorrected.record(us / 2 + 1);
        all.record(us);
    }
    r.result.send_lag.record(3, samples);
    r.result.statuses[400] = samples;
    r.result.errors[static_cast<std::size_t>(ErrorKind::timeout)] = seed;
    r.result.sent = samples + seed;
    r.result.completed_in_window = samples;
    r.result.window_seconds = 5.0 + seed * 0.001;
    r.result.requests_per_second = static_cast<double>(samples) / r.result.window_seconds;
    r.result.connections_opened = connections;
    return r;
}

TEST(SegmentMerge, ThreeSegmentsAddUpToTheWholeRunExactly) {
    Folders f;
    LatencyHistogram all;
    std::vector<fs::path> dirs;
    double rps = 0;
    for (unsigned k = 1; k <= 3; ++k) {
        const auto r = segment_record(k, 1, 1000, 4000 + k, all);
        rps += r.result.requests_per_second;
        dirs.push_back(f.write("seg" + std::to_string(k), {r}, std::to_string(k) + "/3"));
    }
    std::swap(dirs[0], dirs[2]);  // the order given does not matter
    const MergedRun run = merge_segments(dirs);
    ASSERT_EQ(run.records.size(), 1u);
    const BenchRecord& m = run.records[0];
    EXPECT_EQ(run.segments, 3u);
    EXPECT_EQ(m.spec.connections, 3u);
    EXPECT_DOUBLE_EQ(m.spec.rate, 3000);
    EXPECT_EQ(m.result.latency.count(), 12006u);
    EXPECT_EQ(m.result.latency, all) << "bucket by bucket, the union of the samples";
    for (double p : {50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_EQ(m.result.latency.percentile(p), all.percentile(p)) << p;
    EXPECT_EQ(m.result.statuses.at(400), 12006u);
    EXPECT_EQ(m.result.errors[static_cast<std::size_t>(ErrorKind::timeout)], 6u);
    EXPECT_EQ(m.result.sent, 12012u);
    EXPECT_EQ(m.result.send_lag.count(), 12006u);
    EXPECT_DOUBLE_EQ(m.result.requests_per_second, rps);
    EXPECT_DOUBLE_EQ(m.result.window_seconds, 5.003);
}

// The message names what is wrong and where.
void expect_refused(const std::vector<fs::path>& dirs, const std::string& says) {
    try {
        merge_segments(dirs);
        ADD_FAILURE() << "merged; expected a refusal saying: " << says;
    } catch (const MergeError& e) {
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
}

TEST(SegmentMerge, WhatIsNotTheNSegmentsOfOneRunIsRefused) {
    Folders f;
    LatencyHistogram all;
    const auto r = segment_record(1, 1, 1000, 100, all);
    const fs::path s1 = f.write("s1", {r}, "1/2"), s2 = f.write("s2", {r}, "2/2"), again = f.write("again", {r}, "2/2");
    expect_refused({s1}, "segment(s) 2/2 missing");
    expect_refused({s1, s2, again}, "segment 2/2 is given twice: " + s2.string() + " and " + again.string());
    expect_refused({s1, f.write("of3", {r}, "2/3")}, "is segment 2/3");
    expect_refused({s1, f.write("whole", {r}, "")}, "whole: not the report of a segment");
    expect_refused({s1, f.root / "nowhere"}, "nowhere: cannot read bench-histograms.json");
    expect_refused({s1, f.write("elsewhere", {r}, "2/2", "http://10.0.0.1/v2")}, "measured http://10.0.0.1/v2");
    BenchRecord other = r;
    other.name = "replicate_valid/open/rate:3000/connections:3/manual_time";
    expect_refused({s1, f.write("other", {other}, "2/2")}, "ran other benchmarks than");
    BenchRecord longer = r;
    longer.spec.duration = std::chrono::seconds(6);
    expect_refused({s1, f.write("longer", {longer}, "2/2")}, "another duration");
    // A histogram of another layout (a bucket bound this build does not have).
    const fs::path odd = f.write("odd", {r}, "2/2");
    std::string text;
    {
        std::ifstream in(odd / "bench-histograms.json");
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto at = text.find("\"buckets\":[[");
    ASSERT_NE(at, std::string::npos);
    text.insert(at + 12, "1");  // the first bucket's low bound, shifted out of the layout
    std::ofstream(odd / "bench-histograms.json") << text;
    expect_refused({s1, odd}, "odd: " + r.name + ": latency histogram");
}

}  // namespace
}  // namespace kms::bench

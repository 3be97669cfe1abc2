// `kmsconf bench` end to end, as a user runs it: the reports (bench.json in Google Benchmark's
// format, with the fields compare.py reads; bench-histograms.json), the SLO gate's exit codes,
// usage errors and an unreachable target. Each run lasts about a second.
#include "common/bench_key_pool.hpp"
#include "common/fixture_ids.hpp"
#include "harness/bench/bench_report.hpp"
#include "harness/contract/json_text.hpp"
#include "server/reference_server.hpp"
#include "tests/support/junit_schemas.hpp"
#include "tests/support/stall_server.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace kms::bench {
namespace {

namespace fs = std::filesystem;

struct Run {
    int code = -1;
    std::string output;  // stdout and stderr
};

// A shell command's output (stdout and stderr) and exit code.
Run shell(const std::string& command) {
    const std::string cmd = command + " 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

Run kmsconf(const std::string& words) { return shell(std::string(KMSCONF_BINARY) + " " + words); }

// `env`: NAME=value shell words added to the environment of this one run.
Run bench(const std::string& args, const std::string& env = "") {
    return shell((env.empty() ? "" : "env " + env + " ") + std::string(KMSCONF_BINARY) + " bench --no-progress " + args);
}

// Report directories under one per-process root, removed when the process exits.
fs::path temp_dir(const std::string& name) {
    struct Root {
        fs::path path = fs::temp_directory_path() / ("kmsconf-bench-test-" + std::to_string(::getpid()));
        ~Root() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    };
    static const Root root;
    fs::path d = root.path / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

constexpr const char* kShort = "--duration 0.3 --warmup 0.1 --connections 2 ";

TEST(BenchCli, WritesGoogleBenchmarkJsonAndHistograms) {
    auto dir = temp_dir("json");
    auto r = bench(std::string(kShort) + "--report-dir " + dir.string() + " --slo 'p99<=60s' --slo 'errors<=0.1%'");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("SLO p99<=60s: held"), std::string::npos) << r.output;

    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    ASSERT_TRUE(doc->IsObject());
    ASSERT_TRUE(doc->HasMember("context") && (*doc)["context"].IsObject());
    ASSERT_TRUE(doc->HasMember("benchmarks") && (*doc)["benchmarks"].IsArray());
    const auto& benchmarks = (*doc)["benchmarks"];
    ASSERT_EQ(benchmarks.Size(), 3u);
    std::vector<std::string> names;
    for (const auto& b : benchmarks.GetArray()) {
        // What compare.py (tools/gbench/report.py, util.py) reads.
        for (const char* key : {"name", "run_name", "run_type", "time_unit"})
            ASSERT_TRUE(b.HasMember(key) && b[key].IsString()) << key;
        for (const char* key : {"repetitions", "iterations", "real_time", "cpu_time"})
            ASSERT_TRUE(b.HasMember(key) && b[key].IsNumber()) << key;
        names.push_back(b["name"].GetString());
        EXPECT_EQ(std::string(b["run_type"].GetString()), "iteration");
        EXPECT_EQ(std::string(b["time_unit"].GetString()), "us");
        EXPECT_FALSE(b.HasMember("error_occurred")) << b["name"].GetString();
        // One iteration per successful request; real_time is the mean request/response span.
        EXPECT_GT(b["iterations"].GetDouble(), 10);
        EXPECT_NEAR(b["real_time"].GetDouble(), b["mean_us"].GetDouble(), 1e-6 * b["mean_us"].GetDouble() + 1e-9);
        for (const char* counter : {"requests_per_second", "p50_us", "p90_us", "p99_us", "p99_9_us", "max_us", "errors",
                                    "errors_connect", "errors_timeout", "errors_read", "errors_status"})
            ASSERT_TRUE(b.HasMember(counter) && b[counter].IsNumber()) << counter;
        EXPECT_LE(b["p50_us"].GetDouble(), b["p99_us"].GetDouble());
        EXPECT_LE(b["p99_us"].GetDouble(), b["max_us"].GetDouble());
        EXPECT_EQ(b["errors"].GetDouble(), 0);
        // cpu_time is the client's CPU per request (the load threads'), not GB's ~0 for a
        // thread that only waited: compare.py's CPU column compares that.
        ASSERT_TRUE(b.HasMember("client_cpu_us_per_request"));
        EXPECT_GT(b["cpu_time"].GetDouble(), 0.5);
        EXPECT_NEAR(b["cpu_time"].GetDouble(), b["client_cpu_us_per_request"].GetDouble(),
                    1e-6 * b["cpu_time"].GetDouble());
        EXPECT_EQ(std::string(b["run_name"].GetString()).find("iterations"), std::string::npos);
        ASSERT_TRUE(b.HasMember("p99_9_us_supported"));
        EXPECT_EQ(b["p99_9_us_supported"].GetDouble(), b["iterations"].GetDouble() >= 1000 ? 1 : 0);
    }
    EXPECT_EQ(names[0], "replicate_valid/closed/connections:2/manual_time");
    EXPECT_EQ(names[1], "replicate_accepted/closed/connections:2/manual_time");
    EXPECT_EQ(names[2], "replicate_malformed/closed/connections:2/manual_time");

    auto histograms = parse_histograms_json(read_file(dir / "bench-histograms.json"), &error);
    ASSERT_TRUE(histograms) << error;
    ASSERT_EQ(histograms->records.size(), 3u);
    const LatencyHistogram& latency = histograms->records[0].result.latency;
    EXPECT_EQ(histograms->records[0].name, names[0]);
    EXPECT_EQ(static_cast<double>(latency.count()), benchmarks[0]["iterations"].GetDouble());
    EXPECT_EQ(static_cast<double>(latency.percentile(99)), benchmarks[0]["p99_us"].GetDouble());

    // HdrHistogram's percentile distribution, one file per benchmark; a previous run's go first.
    const std::string hgrm = read_file(dir / "bench-replicate_valid_closed_connections-2.hgrm");
    EXPECT_EQ(hgrm.rfind("       Value     Percentile TotalCount 1/(1-Percentile)\n\n", 0), 0u) << hgrm;
    EXPECT_NE(hgrm.find("Total count    = " + std::string(12 - std::to_string(latency.count()).size(), ' ') +
                        std::to_string(latency.count()) + "]\n"),
              std::string::npos)
        << hgrm;
    EXPECT_TRUE(fs::exists(dir / "bench-replicate_malformed_closed_connections-2.hgrm"));
    // Each percentile line names its sample count.
    EXPECT_NE(r.output.find(" samples)\n"), std::string::npos) << r.output;
}

TEST(BenchCli, TooFewSamplesAreFlaggedAndStaleHgrmFilesRemoved) {
    auto dir = temp_dir("few");
    fs::create_directories(dir);
    std::ofstream(dir / "bench-old_benchmark.hgrm") << "stale\n";
    auto r = bench("--connections 1 --duration 5 --warmup 0 --requests 50 --filter malformed --report-dir " +
                   dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_FALSE(fs::exists(dir / "bench-old_benchmark.hgrm"));
    EXPECT_TRUE(fs::exists(dir / "bench-replicate_malformed_closed_connections-1.hgrm"));
    // 50 samples support p50 and p90, not p99 (100) nor p99.9 (1000); the rule is stated.
    EXPECT_NE(r.output.find(", p99 "), std::string::npos);
    EXPECT_NE(r.output.find("[too few: 50 of 100 samples]"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("[too few: 50 of 1000 samples]"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("of 10 samples]"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("pN needs at least 100/(100-N) samples"), std::string::npos) << r.output;
}

// Google Benchmark takes its flags' defaults from BENCHMARK_* variables: inherited from a CI
// job, they must not change which benchmarks run, how often, or where bench.json goes.
TEST(BenchCli, GoogleBenchmarkVariablesChangeNothing) {
    auto dir = temp_dir("gb-env");
    const fs::path elsewhere = dir / "elsewhere.json";
    const std::string env = "BENCHMARK_FILTER=nothing BENCHMARK_REPETITIONS=2 BENCHMARK_MIN_WARMUP_TIME=1 "
                            "BENCHMARK_LIST_TESTS=true BENCHMARK_ENABLE_RANDOM_INTERLEAVING=true BENCHMARK_OUT=" +
                            elsewhere.string();
    auto r = bench(std::string(kShort) + "--report-dir " + (dir / "reports").string(), env);
    EXPECT_EQ(r.code, 0) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "reports" / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    const auto& benchmarks = (*doc)["benchmarks"];
    ASSERT_EQ(benchmarks.Size(), 3u) << "each benchmark once";
    EXPECT_EQ(std::string(benchmarks[0]["name"].GetString()), "replicate_valid/closed/connections:2/manual_time");
    EXPECT_FALSE(fs::exists(elsewhere));
}

TEST(BenchCli, SloBelowTheMeasuredP99FailsTheRun) {
    auto r = bench(std::string(kShort) + "--filter malformed --report-dir " + temp_dir("slo").string() +
                   " --slo 'p99<=1us'");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("SLO breached: p99<=1us in replicate_malformed/closed/connections:2/manual_time: p99 = "),
              std::string::npos)
        << r.output;
}

// The SLOs in CI form: each a testcase in bench-junit.xml (strict-schema valid, the breached one
// a failure naming the measured figure) and a threshold in bench-summary.json.
TEST(BenchCli, SlosAsJUnitTestcasesAndK6Thresholds) {
    const fs::path dir = temp_dir("ci");
    std::ofstream(dir / "bench-junit.xml") << "stale";
    auto r = bench(std::string(kShort) + "--filter malformed --junit-prefix ci --report-dir " + dir.string() +
                   " --slo 'p99<=10s' --slo 'p99<=1us'");
    EXPECT_EQ(r.code, 1) << r.output;
    const std::string xml = read_file(dir / "bench-junit.xml");
    EXPECT_EQ(kms::test::junit10_errors(dir / "bench-junit.xml"), "") << xml;
    EXPECT_EQ(kms::test::surefire_errors(dir / "bench-junit.xml"), "") << xml;
    EXPECT_NE(xml.find("<testsuites name=\"ci\" tests=\"3\" failures=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testcase name=\"p99&lt;=10s\" classname=\"ci.replicate_malformed/closed/connections:2/"),
              std::string::npos) << xml;
    EXPECT_NE(xml.find("<failure message=\"SLO breached: p99&lt;=1us: p99 = "), std::string::npos) << xml;
    std::string error;
    auto summary = parse_json(read_file(dir / "bench-summary.json"), &error);
    ASSERT_TRUE(summary) << error;
    EXPECT_FALSE((*summary)["ok"].GetBool());
    EXPECT_TRUE((*summary)["thresholds"]["p99<=10s"]["ok"].GetBool());
    EXPECT_FALSE((*summary)["thresholds"]["p99<=1us"]["ok"].GetBool());
    const auto& b = (*summary)["benchmarks"]["replicate_malformed/closed/connections:2/manual_time"];
    ASSERT_TRUE(b.IsObject());
    EXPECT_GT(b["thresholds"]["p99<=1us"]["value"].GetDouble(), 0.001) << "milliseconds, above 1 us";
    EXPECT_GT(b["requests"].GetUint64(), 0u);

    // All held: exit 0, and the same files say so.
    auto ok = bench(std::string(kShort) + "--filter malformed --report-dir " + dir.string() + " --slo 'p99<=10s'");
    EXPECT_EQ(ok.code, 0) << ok.output;
    EXPECT_EQ(kms::test::junit10_errors(dir / "bench-junit.xml"), "");
    EXPECT_NE(read_file(dir / "bench-junit.xml").find("failures=\"0\""), std::string::npos);
    EXPECT_NE(read_file(dir / "bench-summary.json").find("\"ok\": true"), std::string::npos);
}

TEST(BenchCli, OpenLoopReportsCorrectedAndUncorrected) {
    auto dir = temp_dir("open");
    auto r = bench("--mode open --rate 200 --duration 0.5 --warmup 0 --filter valid --report-dir " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("uncorrected"), std::string::npos) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    const auto& b = (*doc)["benchmarks"][0];
    EXPECT_EQ(std::string(b["name"].GetString()), "replicate_valid/open/rate:200/connections:1/manual_time");
    ASSERT_TRUE(b.HasMember("uncorrected_p99_us"));
    EXPECT_EQ(b["target_rate"].GetDouble(), 200);
    // 100 fall due in the half second; the ones a loaded machine has not sent by its end are
    // counted as backlog (98 + 2 beside a sanitizer build), never lost.
    ASSERT_TRUE(b.HasMember("backlog_at_end"));
    EXPECT_EQ(b["iterations"].GetDouble() + b["backlog_at_end"].GetDouble(), 100);
    EXPECT_GE(b["iterations"].GetDouble(), 80);
}

TEST(BenchCli, ASegmentRunsItsShareNamedByTheWholeRun) {
    auto dir = temp_dir("segment");
    const double start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() + 1.5;
    auto r = bench("--mode open --rate 200 -c 4 --duration 1 --warmup 0 --filter malformed --segment 2/2 --start-at " +
                   std::to_string(start) + " --report-dir " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("segment 2/2 of it"), std::string::npos) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    const auto& b = (*doc)["benchmarks"][0];
    EXPECT_EQ(std::string(b["name"].GetString()), "replicate_malformed/open/rate:200/connections:4/manual_time")
        << "named by the whole run, as every segment names it";
    EXPECT_EQ(std::string((*doc)["context"]["kmsconf_segment"].GetString()), "2/2");
    EXPECT_EQ(b["target_rate"].GetDouble(), 100) << "its share of the rate";
    EXPECT_EQ(b["iterations"].GetDouble() + b["backlog_at_end"].GetDouble(), 100);
    auto histograms = parse_json(read_file(dir / "bench-histograms.json"), &error);
    ASSERT_TRUE(histograms) << error;
    EXPECT_EQ(std::string((*histograms)["segment"].GetString()), "2/2");
    EXPECT_EQ((*histograms)["benchmarks"][0]["connections"].GetUint(), 2u) << "its share of the connections";
}

// Issue 26: N segment processes on loopback against one server, started together, merged: the
// whole run's request count and rate, the union's percentiles; overlapping or missing segments
// refused, naming the folders.
TEST(BenchCli, SegmentsOnLoopbackMergeIntoTheWholeRun) {
    server::ServerOptions so;
    so.threads = 2;
    server::ReferenceServer server(so);
    server.start();
    const double start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() + 1.5;
    const std::string whole = "--base-url " + server.base_url() + " --mode open --rate 900 -c 3 --duration 1 --warmup 0 "
                              "--filter malformed --start-at " + std::to_string(start);
    std::vector<fs::path> dirs;
    std::vector<std::thread> segments;
    std::vector<decltype(bench(""))> runs(3);
    for (int k = 1; k <= 3; ++k) dirs.push_back(temp_dir("segment-" + std::to_string(k)));
    for (int k = 1; k <= 3; ++k)
        segments.emplace_back([&, k, dir = dirs[k - 1]] {
            runs[k - 1] = bench(whole + " --segment " + std::to_string(k) + "/3 --report-dir " + dir.string());
        });
    for (auto& t : segments) t.join();
    for (const auto& r : runs) ASSERT_EQ(r.code, 0) << r.output;

    const fs::path merged = temp_dir("merged");
    const auto m = kmsconf("bench merge " + dirs[2].string() + " " + dirs[0].string() + " " + dirs[1].string() + " --slo 'errors<=0' --report-dir " +
                         merged.string());
    ASSERT_EQ(m.code, 0) << m.output;
    std::string error;
    LatencyHistogram union_of_samples;
    std::uint64_t sent = 0, backlog = 0;
    for (const auto& d : dirs) {
        auto doc = parse_json(read_file(d / "bench-histograms.json"), &error);
        ASSERT_TRUE(doc) << error;
        const auto& b = (*doc)["benchmarks"][0];
        EXPECT_EQ(b["rate"].GetDouble(), 300) << "each segment a third of the rate";
        auto h = LatencyHistogram::from_json(to_json(b["latency"]), &error);
        ASSERT_TRUE(h) << error;
        for (const auto& bucket : h->buckets()) union_of_samples.record(bucket.low_us, bucket.count);
        sent += b["sent"].GetUint64();
        backlog += b["backlog_at_end"].GetUint64();
    }
    EXPECT_EQ(sent + backlog, 900u) << "the whole schedule, each request due in one segment";
    auto doc = parse_json(read_file(merged / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    const auto& b = (*doc)["benchmarks"][0];
    EXPECT_EQ(std::string(b["name"].GetString()), "replicate_malformed/open/rate:900/connections:3/manual_time");
    EXPECT_EQ(b["target_rate"].GetDouble(), 900);
    EXPECT_EQ(b["requests"].GetDouble(), static_cast<double>(union_of_samples.count())) << "the sum of the segments'";
    EXPECT_EQ(std::string((*doc)["context"]["kmsconf_merged_segments"].GetString()), "3");
    for (const char* p : {"p50_us", "p90_us", "p99_us"}) {
        const double q = std::string(p) == "p50_us" ? 50 : std::string(p) == "p90_us" ? 90 : 99;
        // Within the histogram's precision: a value stands for its bucket (3 significant digits).
        EXPECT_NEAR(b[p].GetDouble(), static_cast<double>(union_of_samples.percentile(q)),
                    static_cast<double>(union_of_samples.percentile(q)) / 1000 + 1)
            << p;
    }
    for (const char* f : {"bench-histograms.json", "bench-junit.xml", "bench-summary.json", "bench-report.html"})
        EXPECT_TRUE(fs::exists(merged / f)) << f;
    EXPECT_EQ(kms::test::junit10_errors(merged / "bench-junit.xml"), "");

    // Two of three, or one given twice: exit 2, naming the folders.
    const auto missing = kmsconf("bench merge " + dirs[0].string() + " " + dirs[1].string() + " --report-dir " + merged.string());
    EXPECT_EQ(missing.code, 2) << missing.output;
    EXPECT_NE(missing.output.find("segment(s) 3/3 missing"), std::string::npos) << missing.output;
    const auto twice = kmsconf("bench merge " + dirs[0].string() + " " + dirs[1].string() + " " + dirs[1].string() +
                             " --report-dir " + merged.string());
    EXPECT_EQ(twice.code, 2) << twice.output;
    EXPECT_NE(twice.output.find("segment 2/3 is given twice: " + dirs[1].string()), std::string::npos) << twice.output;
    EXPECT_EQ(kmsconf("bench merge --report-dir " + merged.string()).code, 2) << "no folder";
}

double counter(const rapidjson::Value& benchmark, const char* name) {
    return benchmark.HasMember(name) ? benchmark[name].GetDouble() : 0;
}

// Issue 26 item 4: replicate_accepted times the 200 path, each request a first replicate of a
// bench pool key; the console and bench.json count the 200s and 400s.
TEST(BenchCli, ReplicateAcceptedTimesFirstReplicatesOfTheEmbeddedServer) {
    auto dir = temp_dir("accepted");
    auto r = bench("--filter replicate_accepted --duration 0.5 --warmup 0.1 -c 4 -t 2 --report-dir " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("statuses: 200 x"), std::string::npos) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    ASSERT_EQ((*doc)["benchmarks"].Size(), 1u);
    const auto& b = (*doc)["benchmarks"][0];
    EXPECT_EQ(std::string(b["name"].GetString()), "replicate_accepted/closed/connections:4/manual_time");
    const double ok = counter(b, "status_200"), requests = counter(b, "requests");
    EXPECT_GT(requests, 100) << r.output;
    EXPECT_GE(ok, 0.99 * requests) << "status_400 " << counter(b, "status_400") << "\n" << r.output;
}

// Against a --base-url: the keys of --key-ids, each to the zones its read shows free, once; a
// run that uses them all up ends then and says so; the next finds none left (exit 2).
TEST(BenchCli, KeyIdsAreReplicatedToEachFreeZoneOnce) {
    server::ServerOptions so;
    so.threads = 1;
    server::ReferenceServer server(so);
    server.start();
    auto dir = temp_dir("key-ids");
    const fs::path keys = dir / "keys.txt";
    std::ofstream(keys) << "# the multi-zone fixture, and the single-zone one (left out)\n"
                        << kDefaultKeyId << "\n\n  " << kSingleZoneKeyId << "  \n";
    const std::string args = "--filter replicate_accepted --duration 2 --warmup 0 -c 2 --base-url " + server.base_url() +
                             " --allow-mutations --key-ids " + keys.string() + " --report-dir " + dir.string();
    auto r = bench(args);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("7 (key, zone) pair(s) of 1 key(s)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(std::string(kSingleZoneKeyId) + " is not multi-zone"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("every (key, zone) pair was replicated"), std::string::npos) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    const auto& b = (*doc)["benchmarks"][0];
    EXPECT_EQ(counter(b, "status_200"), 7) << r.output;
    EXPECT_EQ(counter(b, "status_400"), 0) << r.output;
    EXPECT_EQ(counter(b, "pairs_exhausted"), 1);

    auto again = bench(args);
    EXPECT_EQ(again.code, 2) << again.output;
    EXPECT_NE(again.output.find("no key has a zone left to replicate to"), std::string::npos) << again.output;

    std::ofstream(keys) << kDefaultKeyId << "\nnot-a-key\n";
    auto bad = bench(args);
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_NE(bad.output.find(keys.string() + ":2: 'not-a-key' is not a key id"), std::string::npos) << bad.output;
    std::ofstream(keys) << "00000000-0000-4000-8000-000000000000\n";
    auto unknown = bench(args);
    EXPECT_EQ(unknown.code, 2) << unknown.output;
    EXPECT_NE(unknown.output.find("answered 404"), std::string::npos) << unknown.output;

    auto unallowed = bench("--base-url " + server.base_url() + " --key-ids " + keys.string());
    EXPECT_EQ(unallowed.code, 2) << unallowed.output;
    EXPECT_NE(unallowed.output.find("--key-ids needs --allow-mutations"), std::string::npos) << unallowed.output;
    auto embedded = bench("--allow-mutations --key-ids " + keys.string());
    EXPECT_EQ(embedded.code, 2) << embedded.output;
    auto skipped = bench("--filter replicate_accepted --allow-mutations --base-url " + server.base_url());
    EXPECT_EQ(skipped.code, 2) << skipped.output;
    EXPECT_NE(skipped.output.find("pass --key-ids FILE"), std::string::npos) << skipped.output;
}

// Two segment processes of one replicate_accepted run against one server with the pool: the
// segments take alternate pairs of the run's, so no pair is replicated twice (a repeat would
// be a Conflict, a 400, counted as an error) and none is left out. Run together, and then one
// after the other: the second then reads keys the first has replicated, and must still list
// the same pairs (CI once saw 57 Conflicts when a segment left out what it found replicated).
TEST(BenchCli, ReplicateAcceptedSegmentsNeverRepeatAPair) {
    server::ServerOptions so;
    so.threads = 2;
    so.service.bench_key_pool = true;
    server::ReferenceServer server(so);
    server.start();
    auto dir = temp_dir("accepted-segments");
    const fs::path keys = dir / "keys.txt";
    {
        std::ofstream out(keys);
        for (int i = 0; i < 40; ++i) out << bench_pool_key_id(static_cast<std::uint64_t>(i)) << "\n";
    }
    const std::string whole = "--filter replicate_accepted --duration 3 --warmup 0 -c 4 --base-url " + server.base_url() +
                              " --allow-mutations --key-ids " + keys.string();
    for (const bool together : {true, false}) {
        server.service().reset();
        std::vector<kms::bench::Run> runs(2);
        auto segment = [&](int k) {
            runs[k - 1] = bench(whole + " --segment " + std::to_string(k) + "/2 --report-dir " +
                                (dir / std::to_string(k)).string());
        };
        if (together) {
            std::thread second(segment, 2);
            segment(1);
            second.join();
        } else {
            segment(1);
            segment(2);
            EXPECT_NE(runs[1].output.find("is already replicated to"), std::string::npos) << runs[1].output;
        }
        double ok = 0;
        for (int k = 1; k <= 2; ++k) {
            ASSERT_EQ(runs[k - 1].code, 0) << runs[k - 1].output;
            std::string error;
            auto doc = parse_json(read_file(dir / std::to_string(k) / "bench.json"), &error);
            ASSERT_TRUE(doc) << error;
            const auto& b = (*doc)["benchmarks"][0];
            EXPECT_EQ(counter(b, "status_400"), 0) << (together ? "together\n" : "in turn\n") << runs[k - 1].output;
            EXPECT_EQ(counter(b, "status_200"), 140) << "half of 40 keys x 7 zones\n" << runs[k - 1].output;
            ok += counter(b, "status_200");
        }
        EXPECT_EQ(ok, 280) << "every pair once";
    }
}

// `kmsconf serve --bench-key-pool` offers the pool to another process's bench; without the flag
// a pool id is an unknown key, so the key read before the load refuses it (exit 2).
TEST(BenchCli, ServeOffersTheBenchKeyPoolOnlyWhenAsked) {
    auto dir = temp_dir("serve-pool");
    std::ofstream(dir / "keys.txt") << bench_pool_key_id(7) << "\n";
    auto run_against = [&](const std::string& serve_flags) {
        const std::string k = KMSCONF_BINARY;
        const std::string d = dir.string();
        return shell("sh -c '" + k + " serve --port 0 " + serve_flags + " >" + d + "/serve.out 2>&1 & pid=$!; "
                     "for i in $(seq 50); do grep -q listening " + d + "/serve.out && break; sleep 0.1; done; "
                     "url=$(sed -n \"s/^listening on //p\" " + d + "/serve.out); " + k +
                     " bench --no-progress --filter replicate_accepted --duration 1 --warmup 0 --base-url $url "
                     "--allow-mutations --key-ids " + d + "/keys.txt --report-dir " + d + "/reports; code=$?; "
                     "kill $pid; wait $pid; exit $code'");
    };
    auto with = run_against("--bench-key-pool");
    ASSERT_EQ(with.code, 0) << with.output;
    EXPECT_NE(with.output.find("statuses: 200 x7;"), std::string::npos) << with.output;
    auto without = run_against("");
    EXPECT_EQ(without.code, 2) << without.output;
    EXPECT_NE(without.output.find(bench_pool_key_id(7) + " of --key-ids: GET"), std::string::npos) << without.output;
}

TEST(BenchCli, UsageErrorsExit2) {
    const char* bad[] = {
        "--mode sideways",
        "--rate 100",                    // closed loop
        "--mode open",                   // no rate
        "--mode open --rate 0",
        "--slo 'p99<=50'",               // no unit
        "--slo 'p99 >= 5ms'",
        "--connections 0",
        "--threads 3 --connections 2",
        "--duration 0",
        "--no-such-flag",
        "stray-word",
        "--filter '('",
        "--filter nothing-matches",
        "--key-id 'a b'",
        "--base-url ftp://127.0.0.1/",
        "--ca-file /nonexistent.pem",
        "--tls-resume",                                  // the embedded server speaks http
        "--tls-resume --base-url http://127.0.0.1:9/v2",
        "--segment 0/4",                                 // K counts from 1
        "--segment 3/2",
        "--segment 2/4",                                 // 1 connection: segment 2 gets none
        "--segment 2/4 -c 4 -n 1",                       // nor a request
        "--segment 1/2/3",
        "--start-at 9999999999",                         // years ahead: not UTC seconds
        "--start-at -1",
    };
    for (const char* args : bad) {
        auto r = bench(args);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("kmsconf bench: "), std::string::npos) << args << "\n" << r.output;
    }
    EXPECT_EQ(bench("--help").code, 0);
}

TEST(BenchCli, CredentialsFromTheEnvironmentSignWithoutPrintingTheSecret) {
    // A signing reference server: unsigned or badly signed requests would be 403s, i.e. errors.
    server::ServerOptions so;
    so.threads = 1;
    so.service.credentials = Exo2Credentials{"EXObenchcli", "do-not-print-this-secret"};
    server::ReferenceServer server(so);
    server.start();
    ::setenv("EXOSCALE_API_KEY", "EXObenchcli", 1);
    ::setenv("EXOSCALE_API_SECRET", "do-not-print-this-secret", 1);
    auto r = bench("--duration 0.2 --warmup 0 --allow-mutations --slo 'errors<=0' --base-url " + server.base_url() +
                   " --report-dir " + temp_dir("signed").string());
    ::unsetenv("EXOSCALE_API_SECRET");
    auto half = bench("--duration 0.2");
    ::unsetenv("EXOSCALE_API_KEY");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("signed (EXO2-HMAC-SHA256)"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("do-not-print-this-secret"), std::string::npos) << r.output;
    EXPECT_EQ(half.code, 2) << half.output;
    EXPECT_NE(half.output.find("no secret (--api-secret-file or EXOSCALE_API_SECRET)"), std::string::npos) << half.output;
}

TEST(BenchCli, UnreachableTargetExits3) {
    auto r = bench("--base-url http://127.0.0.1:" + std::to_string(test::unused_port()) + "/v2 --duration 0.2");
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("target unreachable"), std::string::npos) << r.output;
}

TEST(BenchCli, NoSuccessfulResponseFailsTheRun) {
    server::ServerOptions so;
    so.threads = 1;
    so.service.faults = {server::Fault::server_error_on_garbage};  // malformed JSON answered 500
    server::ReferenceServer server(so);
    server.start();
    auto dir = temp_dir("no-success");
    auto r = bench("--duration 0.2 --warmup 0 --base-url " + server.base_url() + " --report-dir " + dir.string());
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("unexpected status 500 (expected 400)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("FAILED: no successful response"), std::string::npos) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    EXPECT_TRUE((*doc)["benchmarks"][0]["error_occurred"].GetBool());
}

TEST(BenchCli, ExternalTargetOnlyGetsSideEffectFreeRequestsUnlessAllowed) {
    server::ServerOptions so;
    so.threads = 1;
    server::ReferenceServer server(so);
    server.start();
    auto dir = temp_dir("external");
    auto r = bench(std::string(kShort) + "--base-url " + server.base_url() + " --report-dir " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("skipping replicate_valid"), std::string::npos) << r.output;
    std::string error;
    auto doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    ASSERT_EQ((*doc)["benchmarks"].Size(), 1u);
    EXPECT_EQ(std::string((*doc)["benchmarks"][0]["name"].GetString()),
              "replicate_malformed/closed/connections:2/manual_time");

    auto allowed = bench(std::string(kShort) + "--allow-mutations --base-url " + server.base_url() + " --report-dir " +
                         dir.string());
    ASSERT_EQ(allowed.code, 0) << allowed.output;
    doc = parse_json(read_file(dir / "bench.json"), &error);
    ASSERT_TRUE(doc) << error;
    EXPECT_EQ((*doc)["benchmarks"].Size(), 2u);
}

}  // namespace
}  // namespace kms::bench

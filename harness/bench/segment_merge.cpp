#include "harness/bench/segment_merge.hpp"

#include "harness/bench/engine/execution_segment.hpp"
#include "common/file_reading.hpp"

#include <map>
#include <set>

namespace kms::bench {

namespace {

struct Segment {
    std::filesystem::path dir;
    ExecutionSegment segment;
    std::string target;
    std::vector<BenchRecord> records;
};

std::string folder(const std::filesystem::path& dir) { return dir.string(); }

Segment read_segment(const std::filesystem::path& dir) {
    std::string why;
    const auto text = read_whole_file(dir / "bench-histograms.json", &why);
    if (!text) throw MergeError(folder(dir) + ": cannot read bench-histograms.json: " + why);
    auto file = parse_histograms_json(*text, &why);
    if (!file) throw MergeError(folder(dir) + ": " + why);
    if (file->segment.empty()) throw MergeError(folder(dir) + ": not the report of a segment (kmsconf bench --segment K/N)");
    auto segment = parse_segment(file->segment, &why);
    if (!segment) throw MergeError(folder(dir) + ": " + why);
    return Segment{dir, *segment, std::move(file->target), std::move(file->records)};
}

// The folders are the N segments of one run, each once.
void check_segments(const std::vector<Segment>& segments) {
    const std::uint32_t n = segments.front().segment.n();
    std::map<std::uint32_t, std::string> seen;
    for (const auto& s : segments) {
        if (s.segment.n() != n)
            throw MergeError(folder(s.dir) + " is segment " + s.segment.text() + ", " + folder(segments.front().dir) +
                             " is segment " + segments.front().segment.text() + ": not one run");
        auto [at, fresh] = seen.emplace(s.segment.k(), folder(s.dir));
        if (!fresh) throw MergeError("segment " + s.segment.text() + " is given twice: " + at->second + " and " + folder(s.dir));
        if (s.target != segments.front().target)
            throw MergeError(folder(s.dir) + " measured " + s.target + ", " + folder(segments.front().dir) + " " +
                             segments.front().target);
    }
    std::string missing;
    for (std::uint32_t k = 1; k <= n; ++k)
        if (!seen.count(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(n);
    if (!missing.empty()) throw MergeError("segment(s) " + missing + " missing: give all " + std::to_string(n) + " folders");
}

void add(BenchRecord& into, const BenchRecord& r, const std::string& where, const std::string& first) {
    const auto differs = [&](const std::string& what) {
        return MergeError(r.name + ": " + where + " ran it with another " + what + " than " + first);
    };
    if (r.spec.mode != into.spec.mode) throw differs("mode");
    if (r.spec.warmup != into.spec.warmup) throw differs("warm-up");
    if (r.spec.duration != into.spec.duration) throw differs("duration");
    into.spec.connections += r.spec.connections;
    into.spec.rate += r.spec.rate;
    LoadResult& m = into.result;
    const LoadResult& x = r.result;
    m.add(x);
    // The segments ran side by side: their rates add; the window is the longest of theirs.
    m.requests_per_second += x.requests_per_second;
    m.window_seconds = std::max(m.window_seconds, x.window_seconds);
}

}  // namespace

MergedRun merge_segments(const std::vector<std::filesystem::path>& dirs) {
    if (dirs.empty()) throw MergeError("no folder given");
    std::vector<Segment> segments;
    for (const auto& d : dirs) segments.push_back(read_segment(d));
    check_segments(segments);
    const Segment& first = segments.front();
    MergedRun out;
    out.target = first.target;
    out.segments = first.segment.n();
    std::set<std::string> names;
    for (const auto& r : first.records) {
        BenchRecord whole;
        whole.name = r.name;
        whole.spec = r.spec;
        whole.spec.connections = 0;
        whole.spec.rate = 0;
        out.records.push_back(std::move(whole));
        names.insert(r.name);
    }
    for (const auto& s : segments) {
        std::set<std::string> theirs;
        for (const auto& r : s.records) theirs.insert(r.name);
        if (theirs != names)
            throw MergeError(folder(s.dir) + " ran other benchmarks than " + folder(first.dir) + " (give every segment the same --filter)");
        for (const auto& r : s.records)
            for (auto& whole : out.records)
                if (whole.name == r.name) add(whole, r, folder(s.dir), folder(first.dir));
    }
    return out;
}

}  // namespace kms::bench

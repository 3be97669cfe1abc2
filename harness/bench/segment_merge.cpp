#include "harness/bench/segment_merge.hpp"

#include "harness/bench/engine/execution_segment.hpp"
#include "harness/contract/json_text.hpp"
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

std::optional<LoadMode> mode_of(const std::string& text) {
    for (LoadMode m : {LoadMode::closed, LoadMode::closed_new_connection, LoadMode::open})
        if (text == to_string(m)) return m;
    return std::nullopt;
}

// One benchmark of a segment's bench-histograms.json, as the record it was written from (the
// parts a merge needs).
BenchRecord record_of(const rapidjson::Value& b, const std::string& where) {
    const auto fail = [&](const std::string& why) { return MergeError(where + ": " + why); };
    if (!b.IsObject() || !b.HasMember("name") || !b["name"].IsString()) throw fail("a benchmark without a name");
    BenchRecord r;
    r.name = b["name"].GetString();
    const std::string at = where + ": " + r.name;
    const auto number = [&](const char* key) -> double {
        if (!b.HasMember(key) || !b[key].IsNumber())
            throw MergeError(at + ": no \"" + key + "\" (written by a kmsconf bench before --segment?)");
        return b[key].GetDouble();
    };
    const auto count = [&](const char* key) -> std::uint64_t {
        if (!b.HasMember(key) || !b[key].IsUint64())
            throw MergeError(at + ": no \"" + key + "\" (written by a kmsconf bench before --segment?)");
        return b[key].GetUint64();
    };
    auto mode = b.HasMember("mode") && b["mode"].IsString() ? mode_of(b["mode"].GetString()) : std::nullopt;
    if (!mode) throw MergeError(at + ": no known \"mode\"");
    r.spec.mode = *mode;
    r.spec.connections = static_cast<unsigned>(count("connections"));
    if (r.spec.mode == LoadMode::open) r.spec.rate = number("rate");
    r.spec.warmup = std::chrono::nanoseconds(static_cast<std::int64_t>(number("warmup_seconds") * 1e9));
    r.spec.duration = std::chrono::nanoseconds(static_cast<std::int64_t>(number("duration_seconds") * 1e9));
    LoadResult& res = r.result;
    res.window_seconds = number("window_seconds");
    res.requests_per_second = number("requests_per_second");
    res.sent = count("sent");
    res.completed_in_window = count("completed_in_window");
    res.backlog_at_end = count("backlog_at_end");
    res.connections_opened = count("connections_opened");
    if (!b.HasMember("errors") || !b["errors"].IsObject()) throw MergeError(at + ": no \"errors\"");
    for (std::size_t k = 0; k < kErrorKinds; ++k) {
        const char* kind = to_string(static_cast<ErrorKind>(k));
        if (!b["errors"].HasMember(kind) || !b["errors"][kind].IsUint64()) throw MergeError(at + ": no errors." + kind);
        res.errors[k] = b["errors"][kind].GetUint64();
    }
    if (!b.HasMember("statuses") || !b["statuses"].IsObject()) throw MergeError(at + ": no \"statuses\"");
    for (const auto& s : b["statuses"].GetObject()) {
        if (!s.value.IsUint64()) throw MergeError(at + ": a status count that is no count");
        res.statuses[std::atoi(s.name.GetString())] += s.value.GetUint64();
    }
    for (auto [key, target] : {std::pair{"latency", &res.latency}, std::pair{"uncorrected", &res.uncorrected}}) {
        if (!b.HasMember(key)) throw MergeError(at + ": no \"" + key + "\" histogram");
        std::string why;
        auto h = LatencyHistogram::from_json(to_json(b[key]), &why);
        if (!h) throw MergeError(at + ": " + key + " histogram: " + why);
        *target = std::move(*h);
    }
    if (r.spec.mode == LoadMode::open) {
        if (!b.HasMember("send_lag")) throw MergeError(at + ": no \"send_lag\" histogram");
        std::string why;
        auto h = LatencyHistogram::from_json(to_json(b["send_lag"]), &why);
        if (!h) throw MergeError(at + ": send_lag histogram: " + why);
        res.send_lag = std::move(*h);
        res.queued_for_connection = count("queued_for_connection");
    }
    return r;
}

Segment read_segment(const std::filesystem::path& dir) {
    const auto file = dir / "bench-histograms.json";
    std::string why;
    const auto text = read_whole_file(file, &why);
    if (!text) throw MergeError(folder(dir) + ": cannot read bench-histograms.json: " + why);
    std::string error;
    auto doc = parse_json(*text, &error);
    if (!doc || !doc->IsObject()) throw MergeError(folder(dir) + ": bench-histograms.json is not JSON: " + error);
    if (!doc->HasMember("segment") || !(*doc)["segment"].IsString())
        throw MergeError(folder(dir) + ": not the report of a segment (kmsconf bench --segment K/N)");
    Segment s;
    s.dir = dir;
    auto seg = parse_segment((*doc)["segment"].GetString(), &error);
    if (!seg) throw MergeError(folder(dir) + ": " + error);
    s.segment = *seg;
    s.target = doc->HasMember("target") && (*doc)["target"].IsString() ? (*doc)["target"].GetString() : "";
    if (!doc->HasMember("benchmarks") || !(*doc)["benchmarks"].IsArray())
        throw MergeError(folder(dir) + ": bench-histograms.json has no benchmarks");
    for (const auto& b : (*doc)["benchmarks"].GetArray()) s.records.push_back(record_of(b, folder(dir)));
    return s;
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

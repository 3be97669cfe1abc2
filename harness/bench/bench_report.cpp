#include "harness/bench/bench_report.hpp"

#include "harness/contract/json_text.hpp"
#include "harness/bench/percentile_support.hpp"
#include "harness/bench/slo.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <sstream>

namespace kms::bench {

namespace {

constexpr const char* kFormat = "kmsconf-bench-histograms/1";

void raw_histogram(rapidjson::Writer<rapidjson::StringBuffer>& w, const LatencyHistogram& h) {
    const std::string text = h.to_json();
    w.RawValue(text.c_str(), text.size(), rapidjson::kObjectType);
}

// "p50 1 ms, ..., p99.9 20 ms [too few: 105 of 1000 samples], max ... (mean ..., 105 samples)":
// a percentile that too few samples support is flagged in place (percentile_support.hpp).
std::string percentiles_line(const char* label, const LatencyHistogram& h, bool* flagged) {
    std::ostringstream out;
    out << "  " << label;
    for (double p : kReportedPercentiles) {
        out << (p == 50 ? " p" : ", p") << p << " " << format_us(static_cast<double>(h.percentile(p)));
        if (!percentile_supported(p, h.count())) {
            out << " [too few: " << h.count() << " of " << samples_needed(p) << " samples]";
            *flagged = true;
        }
    }
    out << ", max " << format_us(static_cast<double>(h.max())) << " (mean " << format_us(h.mean()) << ", "
        << h.count() << " samples)\n";
    return out.str();
}

// The requests that opened their connection, split as curl's time_connect / time_appconnect
// are (but each phase apart), and whether TLS sessions were resumed.
std::string phases_text(const BenchRecord& r) {
    const LoadResult& res = r.result;
    if (res.connect.count() == 0) return {};
    std::ostringstream out;
    auto phase = [&](const char* name, const LatencyHistogram& h) {
        out << name << " p50 " << format_us(static_cast<double>(h.percentile(50))) << ", p99 "
            << format_us(static_cast<double>(h.percentile(99))) << " (mean " << format_us(h.mean()) << ")";
    };
    out << "  " << res.connect.count() << " timed requests opened a connection: ";
    phase("TCP connect", res.connect);
    if (res.tls_handshake.count() > 0) {
        out << "; ";
        phase("TLS handshake", res.tls_handshake);
    }
    out << "; ";
    phase("request", res.request);
    out << "\n";
    if (res.tls_handshake.count() > 0) {
        out << "  TLS session resumption " << (r.spec.tls_resume ? "on (--tls-resume)" : "off (--tls-resume turns it on)")
            << ": " << res.tls_resumed << " of " << res.tls_handshake.count() << " handshakes resumed\n";
    }
    return out.str();
}

std::optional<LoadMode> mode_of(const std::string& text) {
    for (LoadMode m : {LoadMode::closed, LoadMode::closed_new_connection, LoadMode::open})
        if (text == to_string(m)) return m;
    return std::nullopt;
}

// A document that is not what histograms_json writes: why, in the reader's words.
struct Unreadable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One benchmark of bench-histograms.json, as the record it was written from.
BenchRecord record_of(const rapidjson::Value& b) {
    if (!b.IsObject() || !b.HasMember("name") || !b["name"].IsString()) throw Unreadable("a benchmark without a name");
    BenchRecord r;
    r.name = b["name"].GetString();
    const std::string& at = r.name;
    const auto number = [&](const char* key) -> double {
        if (!b.HasMember(key) || !b[key].IsNumber())
            throw Unreadable(at + ": no \"" + key + "\" (written by an older kmsconf bench?)");
        return b[key].GetDouble();
    };
    const auto count = [&](const char* key) -> std::uint64_t {
        if (!b.HasMember(key) || !b[key].IsUint64())
            throw Unreadable(at + ": no \"" + key + "\" (written by an older kmsconf bench?)");
        return b[key].GetUint64();
    };
    auto mode = b.HasMember("mode") && b["mode"].IsString() ? mode_of(b["mode"].GetString()) : std::nullopt;
    if (!mode) throw Unreadable(at + ": no known \"mode\"");
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
    if (!b.HasMember("errors") || !b["errors"].IsObject()) throw Unreadable(at + ": no \"errors\"");
    for (std::size_t k = 0; k < kErrorKinds; ++k) {
        const char* kind = to_string(static_cast<ErrorKind>(k));
        if (!b["errors"].HasMember(kind) || !b["errors"][kind].IsUint64()) throw Unreadable(at + ": no errors." + kind);
        res.errors[k] = b["errors"][kind].GetUint64();
    }
    if (!b.HasMember("statuses") || !b["statuses"].IsObject()) throw Unreadable(at + ": no \"statuses\"");
    for (const auto& s : b["statuses"].GetObject()) {
        if (!s.value.IsUint64()) throw Unreadable(at + ": a status count that is no count");
        res.statuses[std::atoi(s.name.GetString())] += s.value.GetUint64();
    }
    for (auto [key, target] : {std::pair{"latency", &res.latency}, std::pair{"uncorrected", &res.uncorrected}}) {
        if (!b.HasMember(key)) throw Unreadable(at + ": no \"" + key + "\" histogram");
        std::string why;
        auto h = LatencyHistogram::from_json(to_json(b[key]), &why);
        if (!h) throw Unreadable(at + ": " + key + " histogram: " + why);
        *target = std::move(*h);
    }
    if (r.spec.mode == LoadMode::open) {
        if (!b.HasMember("send_lag")) throw Unreadable(at + ": no \"send_lag\" histogram");
        std::string why;
        auto h = LatencyHistogram::from_json(to_json(b["send_lag"]), &why);
        if (!h) throw Unreadable(at + ": send_lag histogram: " + why);
        res.send_lag = std::move(*h);
        res.queued_for_connection = count("queued_for_connection");
    }
    return r;
}

}  // namespace

std::string histograms_json(const std::vector<BenchRecord>& records, const std::string& target, const std::string& segment) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("format");
    w.String(kFormat);
    w.Key("target");
    w.String(target.c_str(), static_cast<rapidjson::SizeType>(target.size()));
    if (!segment.empty()) {
        w.Key("segment");
        w.String(segment.c_str(), static_cast<rapidjson::SizeType>(segment.size()));
    }
    w.Key("benchmarks");
    w.StartArray();
    for (const auto& r : records) {
        w.StartObject();
        w.Key("name");
        w.String(r.name.c_str(), static_cast<rapidjson::SizeType>(r.name.size()));
        w.Key("mode");
        w.String(to_string(r.spec.mode));
        w.Key("connections");
        w.Uint(r.spec.connections);
        if (r.spec.mode == LoadMode::open) {
            w.Key("rate");
            w.Double(r.spec.rate);
        }
        w.Key("warmup_seconds");
        w.Double(std::chrono::duration<double>(r.spec.warmup).count());
        w.Key("duration_seconds");
        w.Double(std::chrono::duration<double>(r.spec.duration).count());
        w.Key("window_seconds");
        w.Double(r.result.window_seconds);
        w.Key("sent");
        w.Uint64(r.result.sent);
        w.Key("completed_in_window");
        w.Uint64(r.result.completed_in_window);
        w.Key("backlog_at_end");
        w.Uint64(r.result.backlog_at_end);
        w.Key("connections_opened");
        w.Uint64(r.result.connections_opened);
        w.Key("requests_per_second");
        w.Double(r.result.requests_per_second);
        w.Key("errors");
        w.StartObject();
        for (std::size_t k = 0; k < kErrorKinds; ++k) {
            w.Key(to_string(static_cast<ErrorKind>(k)));
            w.Uint64(r.result.errors[k]);
        }
        w.EndObject();
        w.Key("statuses");
        w.StartObject();
        for (auto [status, n] : r.result.statuses) {
            w.Key(std::to_string(status).c_str());
            w.Uint64(n);
        }
        w.EndObject();
        w.Key("latency");
        raw_histogram(w, r.result.latency);
        w.Key("uncorrected");
        raw_histogram(w, r.result.uncorrected);
        if (r.spec.mode == LoadMode::open) {
            w.Key("send_lag");
            raw_histogram(w, r.result.send_lag);
            w.Key("queued_for_connection");
            w.Uint64(r.result.queued_for_connection);
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::optional<HistogramsFile> parse_histograms_json(std::string_view text, std::string* error) {
    try {
        std::string parse_error;
        auto doc = parse_json(text, &parse_error);
        if (!doc) throw Unreadable(parse_error);
        if (!doc->IsObject() || !doc->HasMember("format") || !(*doc)["format"].IsString() ||
            std::string_view((*doc)["format"].GetString()) != kFormat)
            throw Unreadable(std::string("not a ") + kFormat + " document");
        if (!doc->HasMember("benchmarks") || !(*doc)["benchmarks"].IsArray()) throw Unreadable("\"benchmarks\" is not an array");
        HistogramsFile out;
        const auto text_member = [&](const char* key) {
            return doc->HasMember(key) && (*doc)[key].IsString() ? std::string((*doc)[key].GetString()) : std::string();
        };
        out.target = text_member("target");
        out.segment = text_member("segment");
        for (const auto& b : (*doc)["benchmarks"].GetArray()) out.records.push_back(record_of(b));
        return out;
    } catch (const Unreadable& e) {
        if (error) *error = e.what();
        return std::nullopt;
    }
}

std::string load_text(const LoadSpec& spec) {
    std::string out = std::string(to_string(spec.mode)) + ", " + std::to_string(spec.connections) + " connection(s)";
    if (spec.mode == LoadMode::open) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%g", spec.rate);
        out += std::string(", ") + rate + " requests/s";
    }
    return out;
}

std::string send_lag_warning(const LoadResult& res) {
    if (res.send_lag.count() == 0 || res.latency.count() == 0) return {};
    const auto lag = static_cast<double>(res.send_lag.percentile(99));
    const auto latency = static_cast<double>(res.latency.percentile(99));
    if (lag <= kSendLagWarnShare * latency) return {};
    char line[320];
    std::snprintf(line, sizeof line,
                  "warning: send lag p99 %s is %.0f%% of the corrected p99 %s (more than %.0f%%): this client sent "
                  "late, so the latency measures it too (use more --threads, fewer --connections per thread, a lower "
                  "--rate or a quieter machine)",
                  format_us(lag).c_str(), latency > 0 ? lag / latency * 100 : 100.0, format_us(latency).c_str(),
                  kSendLagWarnShare * 100);
    return line;
}

std::string summary_text(const BenchRecord& r) {
    const LoadResult& res = r.result;
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%s: %llu requests in %.2f s, %.1f responses/s", r.name.c_str(),
                  static_cast<unsigned long long>(res.attempts()), res.window_seconds, res.requests_per_second);
    out << line;
    if (r.spec.mode == LoadMode::open) {
        std::snprintf(line, sizeof line, " (target rate %.1f/s, %+.2f%%)", r.spec.rate,
                      r.spec.rate > 0 ? (res.requests_per_second / r.spec.rate - 1) * 100 : 0.0);
        out << line;
    }
    out << "\n";
    if (res.latency.count() > 0) {
        bool flagged = false;
        if (r.spec.mode == LoadMode::open) {
            out << percentiles_line("latency from intended send (corrected):  ", res.latency, &flagged);
            out << percentiles_line("latency from actual send (uncorrected):  ", res.uncorrected, &flagged);
        } else {
            out << percentiles_line("latency:", res.latency, &flagged);
        }
        if (flagged) out << "  [too few]: " << kPercentileRule << "; below that it is the largest samples renamed\n";
    }
    out << phases_text(r);
    out << "  errors: " << res.error_total();
    for (std::size_t k = 0; k < kErrorKinds; ++k) out << ", " << to_string(static_cast<ErrorKind>(k)) << " " << res.errors[k];
    out << "\n";
    for (std::size_t k = 0; k < kErrorKinds; ++k)
        if (!res.error_examples[k].empty())
            out << "    first " << to_string(static_cast<ErrorKind>(k)) << " error: " << res.error_examples[k] << "\n";
    out << "  statuses:";
    if (res.statuses.empty()) out << " none";
    for (auto [status, n] : res.statuses) out << " " << status << " x" << n;
    out << "; connections opened: " << res.connections_opened << "\n";
    if (r.spec.mode == LoadMode::open) {
        const LatencyHistogram& lag = res.send_lag;
        out << "  send lag (intended to actual send, " << lag.count() << " requests that found a free connection): p50 "
            << format_us(static_cast<double>(lag.percentile(50))) << ", p99 "
            << format_us(static_cast<double>(lag.percentile(99))) << ", max " << format_us(static_cast<double>(lag.max()))
            << "; " << res.queued_for_connection << " waited for a free connection\n";
        if (const std::string w = send_lag_warning(res); !w.empty()) out << "  " << w << "\n";
    }
    if (res.source_exhausted)
        out << "  note: every (key, zone) pair was replicated before the duration was over: the load ended then "
               "(list more keys in --key-ids, or shorten --duration)\n";
    if (res.backlog_at_end > 0)
        out << "  warning: " << res.backlog_at_end
            << " requests due in the window were never sent: the target (or this client) did not keep up with --rate\n";
    return out.str();
}

}  // namespace kms::bench

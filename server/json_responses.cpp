#include "server/json_responses.hpp"

#include "common/utc_time.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <cctype>
#include <vector>
#include <ctime>

namespace kms::server::detail {

namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// One string member of the object being written.
void member(Writer& w, const char* name, std::string_view value) {
    w.Key(name);
    write_string(w, value);
}

// True when one of the 8 bytes of `w` needs escaping in a JSON string: below 0x20, '"' or '\\'.
// The bit trick ("has a byte less than n", "has a zero byte") answers for the whole word at once;
// a borrow can mark a byte above one that matched, never a word with none.
bool any_byte_needs_escape(std::uint64_t w) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
    const auto below = [&](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHighs; };
    return (below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1)) != 0;
}

// `s` as a JSON string, escaped exactly as RapidJSON's Writer escapes it (the quote, the
// backslash and the control characters; \u00XX in upper-case hex for those without a short
// form; every other byte as it is), but in runs instead of a character at a time, and eight
// bytes at a time where none needs escaping: a problem is every refused request's answer, and
// RapidJSON's per-character writer was a fifth of the reference server's work per request.
void append_json_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    static constexpr auto kEscaped = [] {
        std::array<bool, 256> escaped{};
        for (int c = 0; c < 0x20; ++c) escaped[static_cast<std::size_t>(c)] = true;
        escaped['"'] = escaped['\\'] = true;
        return escaped;
    }();
    out.push_back('"');
    std::size_t run = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s.size() - i >= 8) {
            std::uint64_t word;
            std::memcpy(&word, s.data() + i, 8);
            if (!any_byte_needs_escape(word)) {
                i += 8;
                continue;
            }
        }
        // A word with a byte to escape (or the last few bytes): one at a time.
        for (const std::size_t end = std::min(s.size(), i + 8); i < end; ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (!kEscaped[c]) continue;
            out.append(s.data() + run, i - run);
            run = i + 1;
            out.push_back('\\');
            switch (c) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '\b': out.push_back('b'); break;
                case '\f': out.push_back('f'); break;
                case '\n': out.push_back('n'); break;
                case '\r': out.push_back('r'); break;
                case '\t': out.push_back('t'); break;
                default:
                    out.append("u00");
                    out.push_back(kHex[c >> 4]);
                    out.push_back(kHex[c & 0xF]);
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}
}  // namespace

const char* problem_title_for(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Payload Too Large";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        default: return "Internal Server Error";
    }
}

std::string problem_type_for(std::string_view title) {
    std::string out = "#/http-problem-types/";
    for (char c : title) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
        else if (out.back() != '-' && out.back() != '/') out += '-';
    }
    if (out.back() == '-') out.pop_back();
    return out;
}

namespace {
// A title's problem type and the title itself as JSON strings, made once for each title
// problem_title_for gives (every problem the server writes has one of them) instead of on every
// refused request.
struct TitleJson {
    std::string type;   // "\"#/http-problem-types/...\""
    std::string title;  // "\"Bad Request\""
};

TitleJson title_json_for(std::string_view title) {
    TitleJson j;
    append_json_string(j.type, problem_type_for(title));
    append_json_string(j.title, title);
    return j;
}

const TitleJson& title_json(std::string_view title) {
    // A list rather than a map: ten titles, nearly all of different lengths, so a refused
    // request's title is found by a length or two compared, not by string comparisons.
    static const std::vector<std::pair<std::string_view, TitleJson>> known = [] {
        std::vector<std::pair<std::string_view, TitleJson>> out;
        for (int status : {400, 403, 404, 405, 413, 422, 429, 431, 500, 503})
            out.emplace_back(problem_title_for(status), title_json_for(problem_title_for(status)));
        return out;
    }();
    for (const auto& [known_title, json] : known)
        if (known_title == title) return json;
    thread_local TitleJson other;
    other = title_json_for(title);
    return other;
}
}  // namespace

HttpResponse make_problem(int status, std::string_view title, std::string_view detail,
                          const ProblemStyle& style) {
    HttpResponse res;
    res.status = status;
    res.headers.push_back({"Content-Type", "application/json"});
    std::string& out = res.body;
    out.reserve(64 + title.size() * 2 + detail.size() + detail.size() / 8);
    out.append("{\"type\":");
    const TitleJson& known = title_json(title);
    // A space is not allowed anywhere in an RFC 3986 URI reference.
    out.append(style.bad_type ? std::string_view("\"not a uri ref\"") : std::string_view(known.type));
    if (!(style.missing_title && status == 400)) {
        out.append(",\"title\":");
        out.append(known.title);
    }
    out.append(",\"status\":").append(std::to_string(style.status_mismatch && status == 400 ? 422 : status));
    out.append(",\"detail\":");
    append_json_string(out, detail);
    out.push_back('}');
    return res;
}

std::string operation_json(const OperationView& op) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    member(w, "id", op.id);
    member(w, "state", op.state);
    if (op.reason) member(w, "reason", *op.reason);
    if (op.message) member(w, "message", *op.message);
    w.Key("reference");
    w.StartObject();
    member(w, "id", op.key_id);
    member(w, "link", "/v2/kms-key/" + op.key_id);
    member(w, "command", "replicate-kms-key");
    w.EndObject();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

std::string success_json(std::string_view status) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    member(w, "status", status);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

namespace {
// Days between the key's creation and its next automatic rotation (rotation is off, but
// key-rotation-config requires a period and a date).
constexpr std::int64_t kRotationPeriodDays = 365;
// A key scheduled for deletion is deleted this long after it was scheduled.
constexpr std::int64_t kDeletionDelaySeconds = 7 * 24 * 3600;

void write_time(Writer& w, const char* name, std::int64_t unix_seconds) { member(w, name, utc_date_time(unix_seconds)); }
}  // namespace

std::string key_json(const KeyView& key) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    member(w, "id", key.id);
    member(w, "name", key.name);
    member(w, "description", "reference server fixture");
    member(w, "usage", "encrypt-decrypt");
    member(w, "source", "exoscale-kms");
    if (!key.latest) member(w, "policy", "");  // required in 2026-03-31, gone from 2026-07-20's properties
    member(w, "status", key.pending_deletion ? "pending-deletion" : "enabled");
    write_time(w, "status-since", key.status_since);
    if (key.latest && key.pending_deletion) write_time(w, "delete-at", key.status_since + kDeletionDelaySeconds);
    w.Key("material");
    w.StartObject();
    w.Key("version");
    w.Int(1);
    write_time(w, "created-at", key.created_at);
    w.Key("automatic");
    w.Bool(false);
    w.EndObject();
    w.Key("rotation");
    w.StartObject();
    w.Key("manual-count");
    w.Int(0);
    w.Key("automatic");
    w.Bool(false);
    w.Key("rotation-period");
    w.Int64(kRotationPeriodDays);
    write_time(w, "next-at", key.created_at + kRotationPeriodDays * 24 * 3600);
    w.EndObject();
    w.Key("multi-zone");
    w.Bool(key.multi_zone);
    member(w, "origin-zone", key.origin_zone);
    // 2026-03-31 requires `zone` without declaring it: the zone that answers, here the origin.
    if (!key.latest) member(w, "zone", key.origin_zone);
    w.Key("replicas");
    w.StartArray();
    for (const auto& [zone, watermark] : key.replicas) write_string(w, zone);
    w.EndArray();
    w.Key("replicas-status");
    w.StartArray();
    for (const auto& [zone, watermark] : key.replicas) {
        w.StartObject();
        member(w, "zone", zone);
        w.Key("last-applied-watermark");
        w.Int64(watermark);
        w.EndObject();
    }
    w.EndArray();
    write_time(w, "created-at", key.created_at);
    w.Key("revision");
    w.StartObject();
    write_time(w, "at", key.revision_at);
    w.Key("seq");
    w.Int64(key.revision_seq);
    w.EndObject();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace kms::server::detail

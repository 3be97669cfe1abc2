#include "harness/report/har_writer.hpp"

#include "harness/cases/redaction.hpp"
#include "harness/report/sent_request.hpp"
#include "harness/report/tool_version.hpp"

#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>
#include <fstream>
#include <stdexcept>

namespace kms {

namespace {

// Validating: a string that is not UTF-8 would make the file unreadable as JSON, so every
// string is made UTF-8 first and this only proves it.
using HarWriter = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                    rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

// Length of the UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF), 0 when none starts there.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (n == 0 || c > 0xf4 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((b(k) & 0xc0) != 0x80) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;  // overlong
    if (c == 0xed && b(1) > 0x9f) return 0;  // surrogate
    if (c == 0xf0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xf4 && b(1) > 0x8f) return 0;  // above U+10FFFF
    return n;
}

bool is_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

// Header values and targets as text: a byte that is not UTF-8 becomes \xNN (printable()).
std::string as_text(std::string_view s) { return is_utf8(s) ? std::string(s) : printable(s, std::string::npos); }

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// A body as HAR holds it: at most kHarBodyCap bytes (a UTF-8 text is cut between characters),
// as text when UTF-8, else base64.
struct BodyText {
    std::string text;
    bool base64 = false;
    std::string note;  // "response body cut to 65536 of 100000 bytes", empty when whole
};

BodyText body_text(std::string_view body, const char* which) {
    BodyText out;
    std::string_view kept = body.substr(0, kHarBodyCap);
    out.base64 = !is_utf8(body);
    if (!out.base64) {
        // Cut before a sequence the cap splits.
        while (kept.size() < body.size() && !kept.empty() &&
               (static_cast<unsigned char>(body[kept.size()]) & 0xc0) == 0x80)
            kept.remove_suffix(1);
    }
    out.text = out.base64 ? base64(kept) : std::string(kept);
    if (kept.size() < body.size())
        out.note = std::string(which) + " body cut to " + std::to_string(kept.size()) + " of " +
                   std::to_string(body.size()) + " bytes";
    if (out.base64) out.note += std::string(out.note.empty() ? "" : "; ") + which + " body is not UTF-8: base64";
    return out;
}

std::string iso_time(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

double millis(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

void text_member(HarWriter& w, const char* key, std::string_view value) {
    w.Key(key);
    if (!w.String(value.data(), static_cast<rapidjson::SizeType>(value.size())))
        throw std::logic_error(std::string("exchanges.har: member ") + key + " is not UTF-8");
}

void headers_array(HarWriter& w, const Headers& headers) {
    w.Key("headers");
    w.StartArray();
    for (const auto& h : headers) {
        w.StartObject();
        text_member(w, "name", as_text(h.name));
        text_member(w, "value", as_text(shown_value(h)));
        w.EndObject();
    }
    w.EndArray();
}

void query_string(HarWriter& w, std::string_view query) {
    w.Key("queryString");
    w.StartArray();
    while (!query.empty()) {
        const auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        w.StartObject();
        text_member(w, "name", as_text(pair.substr(0, eq)));
        text_member(w, "value", eq == std::string_view::npos ? std::string() : as_text(pair.substr(eq + 1)));
        w.EndObject();
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    }
    w.EndArray();
}

void request_object(HarWriter& w, const HttpRequest& request, const BaseUrl& base, std::vector<std::string>& notes) {
    const SentRequest wire = sent_request(request, base);
    w.Key("request");
    w.StartObject();
    text_member(w, "method", as_text(request.method));
    text_member(w, "url", as_text(base.origin() + request.target));
    text_member(w, "httpVersion", "HTTP/1.1");
    w.Key("cookies"); w.StartArray(); w.EndArray();
    headers_array(w, wire.headers);
    query_string(w, target_query(request.target));
    if (!request.body.empty()) {
        const BodyText body = body_text(request.body, "request");
        if (!body.note.empty()) notes.push_back(body.note);
        w.Key("postData");
        w.StartObject();
        text_member(w, "mimeType", as_text(find_header(request.headers, "Content-Type").value_or("")));
        text_member(w, "text", body.text);
        if (body.base64) text_member(w, "_encoding", "base64");
        w.EndObject();
    }
    w.Key("headersSize"); w.Uint64(wire.header_bytes);
    w.Key("bodySize"); w.Uint64(wire.body_bytes);
    w.EndObject();
}

void response_object(HarWriter& w, const Exchange& exchange, std::vector<std::string>& notes) {
    w.Key("response");
    w.StartObject();
    if (!exchange.response) {
        // What browsers export for a request that got no answer: status 0 and the error.
        notes.push_back(std::string("no response: ") + to_string(exchange.error) + ": " + exchange.error_detail);
        w.Key("status"); w.Int(0);
        text_member(w, "statusText", "");
        text_member(w, "httpVersion", "");
        w.Key("cookies"); w.StartArray(); w.EndArray();
        w.Key("headers"); w.StartArray(); w.EndArray();
        w.Key("content"); w.StartObject(); w.Key("size"); w.Int(0); text_member(w, "mimeType", "x-unknown"); w.EndObject();
        text_member(w, "redirectURL", "");
        w.Key("headersSize"); w.Int(-1);
        w.Key("bodySize"); w.Int(-1);
        text_member(w, "_error", as_text(exchange.error_detail));
        w.EndObject();
        return;
    }
    const HttpResponse& r = *exchange.response;
    const BodyText body = body_text(r.body, "response");
    if (!body.note.empty()) notes.push_back(body.note);
    w.Key("status"); w.Int(r.status);
    text_member(w, "statusText", "");  // the client keeps no reason phrase
    text_member(w, "httpVersion", exchange.response_version == 10 ? "HTTP/1.0" : "HTTP/1.1");
    w.Key("cookies"); w.StartArray(); w.EndArray();
    headers_array(w, r.headers);
    w.Key("content");
    w.StartObject();
    w.Key("size"); w.Uint64(r.body.size());
    text_member(w, "mimeType", as_text(r.header("Content-Type").value_or("x-unknown")));
    text_member(w, "text", body.text);
    if (body.base64) text_member(w, "encoding", "base64");
    w.EndObject();
    text_member(w, "redirectURL", as_text(r.header("Location").value_or("")));
    w.Key("headersSize"); w.Int(-1);  // the client keeps the fields, not their bytes
    w.Key("bodySize"); w.Uint64(r.body.size());
    w.EndObject();
}

// The client measures connect (when it opened a connection) and request-written to
// response-complete as one span; HAR's send and receive are folded into wait.
void timings(HarWriter& w, const Exchange& exchange) {
    const double connect = exchange.reused_connection ? -1 : millis(exchange.connect_time);
    w.Key("cache"); w.StartObject(); w.EndObject();
    w.Key("timings");
    w.StartObject();
    w.Key("blocked"); w.Int(-1);
    w.Key("dns"); w.Int(-1);
    w.Key("connect"); w.Double(connect);
    w.Key("ssl"); w.Int(-1);
    w.Key("send"); w.Int(0);
    w.Key("wait"); w.Double(millis(exchange.elapsed));
    w.Key("receive"); w.Int(0);
    w.EndObject();
}

void entry(HarWriter& w, const Case& c, const HttpRequest& request, const Exchange& exchange, std::size_t index,
           std::size_t count, const BaseUrl& base) {
    std::vector<std::string> notes;
    w.StartObject();
    text_member(w, "startedDateTime", iso_time(exchange.started_at));
    w.Key("time");
    w.Double((exchange.reused_connection ? 0 : millis(exchange.connect_time)) + millis(exchange.elapsed));
    request_object(w, request, base, notes);
    if (!exchange.request_body_cut.empty()) notes.push_back(exchange.request_body_cut);
    response_object(w, exchange, notes);
    timings(w, exchange);
    std::string comment = "case " + c.full_name();
    if (count > 1) comment += " (send " + std::to_string(index + 1) + " of " + std::to_string(count) + ")";
    for (const auto& n : notes) comment += "; " + n;
    text_member(w, "comment", as_text(comment));
    w.EndObject();
}

}  // namespace

std::string har_text(const RunTally& tally, const RunInfo& info) {
    rapidjson::StringBuffer buffer;
    HarWriter w(buffer);
    w.StartObject();
    w.Key("log");
    w.StartObject();
    text_member(w, "version", "1.2");
    w.Key("creator");
    w.StartObject();
    text_member(w, "name", "kmsconf");
    text_member(w, "version", tool_version_number());
    w.EndObject();
    w.Key("entries");
    w.StartArray();
    for (const auto& e : tally.entries()) {
        const auto& sent = e.result.requests;
        const auto& got = e.result.exchanges;
        const std::size_t n = std::min(sent.size(), got.size());
        for (std::size_t i = 0; i < n; ++i) entry(w, e.c, sent[i], got[i], i, n, info.base);
    }
    w.EndArray();
    text_member(w, "comment", as_text("kmsconf run against " + info.target_label() + ", contract " + info.contract_revision));
    w.EndObject();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

void write_har(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info) {
    const std::string text = har_text(tally, info);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace kms

#include "harness/recorded/har_reader.hpp"

#include "common/file_reading.hpp"

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace kms {

namespace {

// A HAR file holds a whole session's bodies; past this it is refused rather than read into memory.
constexpr std::uintmax_t kMaxHarBytes = 512ull * 1024 * 1024;

using Value = rapidjson::Value;

class Reader {
public:
    explicit Reader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& pointer, const std::string& what) const { throw HarError(file_, pointer, what); }

    const Value& member(const Value& object, const std::string& at, const char* name) const {
        if (!object.IsObject()) fail(at, "not an object");
        auto it = object.FindMember(name);
        if (it == object.MemberEnd()) fail(at, std::string("no member '") + name + "'");
        return it->value;
    }
    const Value* optional_member(const Value& object, const char* name) const {
        auto it = object.FindMember(name);
        return it == object.MemberEnd() ? nullptr : &it->value;
    }
    std::string text(const Value& object, const std::string& at, const char* name) const {
        const Value& v = member(object, at, name);
        if (!v.IsString()) fail(at + "/" + name, "not a string");
        return std::string(v.GetString(), v.GetStringLength());
    }
    double number(const Value& object, const std::string& at, const char* name) const {
        const Value& v = member(object, at, name);
        if (!v.IsNumber()) fail(at + "/" + name, "not a number");
        return v.GetDouble();
    }
    const Value& array(const Value& object, const std::string& at, const char* name) const {
        const Value& v = member(object, at, name);
        if (!v.IsArray()) fail(at + "/" + name, "not an array");
        return v;
    }

    Headers headers(const Value& object, const std::string& at) const {
        Headers out;
        const Value& list = array(object, at, "headers");
        for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
            const std::string here = at + "/headers/" + std::to_string(i);
            out.push_back({text(list[i], here, "name"), text(list[i], here, "value")});
        }
        return out;
    }

    // A body's bytes: the text, or its base64 when `encoding` says so.
    std::string body(const Value& holder, const std::string& at, const char* encoding_member) const {
        const Value* t = optional_member(holder, "text");
        if (!t) return {};
        if (!t->IsString()) fail(at + "/text", "not a string");
        std::string text(t->GetString(), t->GetStringLength());
        const Value* enc = optional_member(holder, encoding_member);
        if (!enc) enc = optional_member(holder, "encoding");
        if (!enc) return text;
        if (!enc->IsString() || std::string_view(enc->GetString()) != "base64")
            fail(at + "/" + encoding_member, "an encoding other than base64");
        auto bytes = base64_decode(text);
        if (!bytes) fail(at + "/text", "not valid base64");
        return *bytes;
    }

private:
    static std::optional<std::string> base64_decode(const std::string& text) {
        if (text.size() % 4 != 0) return std::nullopt;
        std::string out(text.size() / 4 * 3, '\0');
        const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
        if (n < 0) return std::nullopt;
        std::size_t size = static_cast<std::size_t>(n);
        // EVP_DecodeBlock counts the padding's bytes as zeros.
        for (std::size_t i = text.size(); i > 0 && text[i - 1] == '=' && size > 0; --i) --size;
        out.resize(size);
        return out;
    }

    std::string file_;
};

// An ISO 8601 date-time as HAR writes startedDateTime ("2026-12-07T10:00:00.123Z", or with an
// offset "+01:00"), in Unix seconds; nullopt for anything else.
std::optional<std::int64_t> unix_seconds(const std::string& text) {
    int y, mo, d, h, mi, sec, consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(consumed);
    if (at < text.size() && text[at] == '.')
        for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) {}
    std::int64_t offset = 0;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int oh, om;
        if (std::sscanf(text.c_str() + at + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
        offset = (text[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    } else if (at >= text.size() || text[at] != 'Z') {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

// The origin-form target of an absolute URL: "/v2/x?y" of "https://h:1/v2/x?y".
std::optional<std::string> origin_form(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return std::nullopt;
    const auto path = url.find('/', scheme + 3);
    if (path == std::string::npos) return std::string("/");
    std::string target = url.substr(path);
    const auto fragment = target.find('#');
    if (fragment != std::string::npos) target.resize(fragment);
    return target;
}

RecordedExchange entry(const Reader& r, const Value& e, const std::string& at) {
    RecordedExchange x;
    x.pointer = at;
    const std::string req_at = at + "/request";
    const Value& req = r.member(e, at, "request");
    x.request.method = r.text(req, req_at, "method");
    x.url = r.text(req, req_at, "url");
    auto target = origin_form(x.url);
    if (!target) r.fail(req_at + "/url", "not an absolute URL: '" + x.url + "'");
    x.request.target = *target;
    x.request.headers = r.headers(req, req_at);
    if (const Value* post = r.optional_member(req, "postData")) {
        if (!post->IsObject()) r.fail(req_at + "/postData", "not an object");
        x.request.body = r.body(*post, req_at + "/postData", "_encoding");
    }

    const std::string res_at = at + "/response";
    const Value& res = r.member(e, at, "response");
    const double status = r.number(res, res_at, "status");
    // In range before any cast: a double outside int's range cast to int is undefined (the
    // har_reader fuzz target found 1.1e47 here, fuzz/regressions/har_reader/).
    if (!(status >= 0 && status <= 999) || status != std::floor(status)) r.fail(res_at + "/status", "not a status code");
    if (status != 0) {
        HttpResponse response;
        response.status = static_cast<int>(status);
        response.headers = r.headers(res, res_at);
        const Value& content = r.member(res, res_at, "content");
        if (!content.IsObject()) r.fail(res_at + "/content", "not an object");
        response.body = r.body(content, res_at + "/content", "encoding");
        // A recorder that kept less than it received says so by the size it reports; one that kept
        // nothing (Chromium, for a body the page never read) writes no text, and a size of -1
        // or the body's: the body is unknown, unless the size says it was empty.
        const Value* size = r.optional_member(content, "size");
        const double recorded_size = size && size->IsNumber() ? size->GetDouble() : -1;
        if (!r.optional_member(content, "text")) x.response_body_cut = recorded_size != 0;
        else if (recorded_size > static_cast<double>(response.body.size())) x.response_body_cut = true;
        x.response = std::move(response);
    }
    if (const Value* started = r.optional_member(e, "startedDateTime"); started && started->IsString())
        x.started = unix_seconds(started->GetString());
    const double time = r.number(e, at, "time");
    // Milliseconds; a time beyond a year (or negative, HAR's "unknown") is kept as none, not cast.
    if (time >= 0 && time < 365.0 * 24 * 3600 * 1000) x.time = std::chrono::nanoseconds(static_cast<long long>(time * 1e6));
    if (const Value* comment = r.optional_member(e, "comment"); comment && comment->IsString()) {
        x.comment = comment->GetString();
        // kmsconf's har_writer notes a cut body in the entry's comment.
        if (x.comment.find("request body cut to ") != std::string::npos) x.request_body_cut = true;
        if (x.comment.find("response body cut to ") != std::string::npos) x.response_body_cut = true;
    }
    return x;
}

}  // namespace

std::vector<RecordedExchange> parse_har(std::string_view text, const std::string& file_label) {
    const Reader r(file_label);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError())
        r.fail("", std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
                       std::to_string(doc.GetErrorOffset()));
    if (!doc.IsObject()) r.fail("", "not a HAR file: the top level is not an object");
    const Value& log = r.member(doc, "", "log");
    const std::string version = r.text(log, "/log", "version");
    if (version != "1.2") r.fail("/log/version", "HAR version '" + version + "', not 1.2");
    const Value& entries = r.array(log, "/log", "entries");
    std::vector<RecordedExchange> out;
    for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) out.push_back(entry(r, entries[i], "/log/entries/" + std::to_string(i)));
    return out;
}

std::vector<RecordedExchange> read_har(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) throw HarError(file.string(), "", "cannot read: " + ec.message());
    if (size > kMaxHarBytes)
        throw HarError(file.string(), "", std::to_string(size) + " bytes, more than the " +
                                              std::to_string(kMaxHarBytes >> 20) + " MiB a HAR file may have here");
    std::string why;
    const auto text = read_whole_file(file, &why);
    if (!text) throw HarError(file.string(), "", "cannot read: " + why);
    return parse_har(*text, file.string());
}

}  // namespace kms

#include "harness/cases/suite.hpp"

#include "common/file_reading.hpp"
#include "harness/contract/json_text.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <openssl/evp.h>

namespace kms {

const char* to_string(Level level) {
    switch (level) {
        case Level::must: return "MUST";
        case Level::should: return "SHOULD";
        case Level::informational: return "informational";
    }
    return "?";
}

const char* to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::accepted: return "accepted";
        case Outcome::rejected: return "rejected";
        case Outcome::conflict: return "conflict";
        case Outcome::either: return "either";
    }
    return "?";
}

const char* to_string(Scope scope) {
    return scope == Scope::http ? "http" : "operation";
}

const char* to_string(AuthMode mode) {
    switch (mode) {
        case AuthMode::signed_request: return "signed";
        case AuthMode::unsigned_request: return "unsigned";
        case AuthMode::bad_signature: return "bad-signature";
        case AuthMode::expired: return "expired";
        case AuthMode::other_key: return "other-key";
    }
    return "?";
}

SuiteError::SuiteError(const std::string& file_, const std::string& pointer_, const std::string& message)
    : std::runtime_error(file_ + (pointer_.empty() ? "" : ": " + pointer_) + ": " + message),
      file(file_),
      pointer(pointer_) {}

namespace {

std::string read_file(const std::filesystem::path& file) {
    std::string why;
    auto text = read_whole_file(file, &why);
    if (!text) throw SuiteError(file.string(), "", "cannot open: " + why);
    return std::move(*text);
}

std::string base64_decode(const std::string& in, const std::string& file, const std::string& pointer) {
    std::string out(in.size() / 4 * 3 + 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0 || in.size() % 4 != 0) throw SuiteError(file, pointer, "bodyBase64 is not valid base64");
    // EVP_DecodeBlock counts padding as zero bytes; take them back off.
    std::size_t pad = in.size() >= 2 && in[in.size() - 2] == '=' ? 2 : (!in.empty() && in.back() == '=' ? 1 : 0);
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

// The 1-based line of `"id": "<id>"` in the file's text (1 when it is written some other way,
// e.g. with escapes). Ids are unique, so the first match is the case's own.
int line_of_id(const std::string& text, const std::string& id) {
    const std::string quoted = "\"" + id + "\"";
    for (auto at = text.find(quoted); at != std::string::npos; at = text.find(quoted, at + 1)) {
        auto before = text.find_last_not_of(" \t\r\n", at == 0 ? 0 : at - 1);
        if (before == std::string::npos || text[before] != ':') continue;
        auto key_end = text.find_last_not_of(" \t\r\n", before - 1);
        if (key_end == std::string::npos || key_end < 4 || text.compare(key_end - 3, 4, "\"id\"") != 0) continue;
        return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    }
    return 1;
}

AuthMode parse_auth(const std::string& s) {
    if (s == "unsigned") return AuthMode::unsigned_request;
    if (s == "bad-signature") return AuthMode::bad_signature;
    if (s == "expired") return AuthMode::expired;
    if (s == "other-key") return AuthMode::other_key;
    return AuthMode::signed_request;
}

Outcome parse_outcome(const std::string& s) {
    if (s == "accepted") return Outcome::accepted;
    if (s == "rejected") return Outcome::rejected;
    if (s == "conflict") return Outcome::conflict;
    return Outcome::either;
}

CheckId default_check(Outcome outcome) {
    switch (outcome) {
        case Outcome::accepted: return CheckId::valid_accepted;
        case Outcome::rejected: return CheckId::malformed_rejected;
        case Outcome::conflict: return CheckId::conflict_reported;
        case Outcome::either: return CheckId::expected_status;
    }
    return CheckId::expected_status;
}

RequestTemplate read_request(const rapidjson::Value& r, const std::string& file, const std::string& pointer) {
    RequestTemplate t;
    if (auto m = r.FindMember("method"); m != r.MemberEnd()) t.method = m->value.GetString();
    if (auto m = r.FindMember("path"); m != r.MemberEnd()) t.path = m->value.GetString();
    if (auto m = r.FindMember("query"); m != r.MemberEnd()) t.query = m->value.GetString();
    if (auto m = r.FindMember("headers"); m != r.MemberEnd())
        for (const auto& h : m->value.GetObject())
            t.headers.emplace_back(h.name.GetString(), h.value.IsNull() ? std::nullopt
                                                                          : std::optional<std::string>(h.value.GetString()));
    if (auto m = r.FindMember("body"); m != r.MemberEnd())
        t.body.assign(m->value.GetString(), m->value.GetStringLength());
    if (auto m = r.FindMember("bodyJson"); m != r.MemberEnd()) t.body = to_json(m->value);
    if (auto m = r.FindMember("bodyBase64"); m != r.MemberEnd()) {
        t.body = base64_decode(m->value.GetString(), file, pointer + "/bodyBase64");
        t.body_is_raw = true;
    }
    if (auto m = r.FindMember("auth"); m != r.MemberEnd()) t.auth = parse_auth(m->value.GetString());
    if (auto m = r.FindMember("times"); m != r.MemberEnd()) t.times = m->value.GetInt();
    return t;
}

Suite read_suite(const std::filesystem::path& path, const SchemaValidator& schema) {
    const std::string file = path.string();
    std::string error;
    const std::string text = read_file(path);
    auto doc = parse_json(text, &error);
    if (!doc) throw SuiteError(file, "", "not valid JSON: " + error);
    auto violations = schema.validate(*doc);
    if (!violations.empty()) {
        const auto& v = violations.front();
        std::string more = violations.size() > 1 ? " (and " + std::to_string(violations.size() - 1) + " more)" : "";
        throw SuiteError(file, v.pointer.empty() ? "/" : v.pointer, v.message + more);
    }

    Suite suite;
    suite.file = file;
    suite.name = (*doc)["suite"].GetString();
    suite.description = (*doc)["description"].GetString();
    const auto& cases = (*doc)["cases"];
    for (rapidjson::SizeType i = 0; i < cases.Size(); ++i) {
        const auto& c = cases[i];
        const std::string pointer = "/cases/" + std::to_string(i);
        Case k;
        k.suite = suite.name;
        k.file = file;
        k.id = c["id"].GetString();
        k.line = line_of_id(text, k.id);
        k.requirement = c["requirement"].GetString();
        std::string level = c["level"].GetString();
        k.level = level == "MUST" ? Level::must : level == "SHOULD" ? Level::should : Level::informational;
        if (auto s = c.FindMember("scope"); s != c.MemberEnd() && s->value.GetString() == std::string("http"))
            k.scope = Scope::http;
        if (auto r = c.FindMember("request"); r != c.MemberEnd())
            k.request = read_request(r->value, file, pointer + "/request");
        const auto& e = c["expect"];
        k.expect.outcome = parse_outcome(e["outcome"].GetString());
        if (auto s = e.FindMember("status"); s != e.MemberEnd())
            for (const auto& st : s->value.GetArray()) k.expect.statuses.push_back(st.GetInt());
        k.expect.check = default_check(k.expect.outcome);
        if (auto check = e.FindMember("check"); check != e.MemberEnd()) {
            // The schema's enum already refused an unknown name; this keeps the loader honest
            // should the two ever drift.
            auto id = check_by_name(check->value.GetString());
            if (!id)
                throw SuiteError(file, pointer + "/expect/check",
                                 std::string("unknown check \"") + check->value.GetString() + "\"");
            k.expect.check = *id;
        }
        suite.cases.push_back(std::move(k));
    }
    return suite;
}

}  // namespace

std::vector<Suite> load_suites(const std::vector<std::filesystem::path>& paths, const SchemaValidator& suite_schema) {
    std::vector<std::filesystem::path> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            std::vector<std::filesystem::path> found;
            for (const auto& entry : std::filesystem::directory_iterator(p, ec))
                if (entry.path().extension() == ".json") found.push_back(entry.path());
            if (ec) throw SuiteError(p.string(), "", ec.message());
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (std::filesystem::exists(p, ec)) {
            files.push_back(p);
        } else {
            throw SuiteError(p.string(), "", "no such file or directory");
        }
    }
    if (files.empty()) throw SuiteError(paths.empty() ? "" : paths.front().string(), "", "no suite files (*.json)");

    std::vector<Suite> suites;
    std::map<std::string, std::string> seen;  // case id -> file that defined it first
    for (const auto& f : files) {
        Suite s = read_suite(f, suite_schema);
        for (std::size_t i = 0; i < s.cases.size(); ++i) {
            auto [it, fresh] = seen.emplace(s.cases[i].id, s.file);
            if (!fresh)
                throw SuiteError(s.file, "/cases/" + std::to_string(i) + "/id",
                                 "duplicate case id '" + s.cases[i].id + "' (first defined in " + it->second + ")");
        }
        suites.push_back(std::move(s));
    }
    return suites;
}

}  // namespace kms

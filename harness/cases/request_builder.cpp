#include "harness/cases/request_builder.hpp"

#include "common/text.hpp"

#include <chrono>
#include <charconv>

namespace kms {

namespace {

constexpr std::size_t kMaxExpansion = 16 * 1024 * 1024;

// How far in the past an "expired" signature's expires lies. Servers allow for clock skew
// between client and server (often minutes; a client's own expires is now + 10 min), so a
// signature only just expired may rightly be accepted: a day is beyond any skew allowance.
constexpr std::int64_t kExpiredBySeconds = 24 * 60 * 60;

std::string expand_one(std::string_view name, const Variables& vars) {
    if (name == "key") return vars.key;
    // Spellings of the configured key, so that id cases test the target's real key, not a
    // copy of the reference server's written into the suite.
    if (name == "key:upper") return to_upper(vars.key);
    if (name == "key:no-hyphens") {
        std::string out;
        for (char ch : vars.key)
            if (ch != '-') out += ch;
        return out;
    }
    if (name == "key:braced") return "{" + vars.key + "}";
    if (name == "key:urn") return "urn:uuid:" + vars.key;
    if (name == "key:short") return vars.key.substr(0, vars.key.empty() ? 0 : vars.key.size() - 1);
    if (name == "key:long") return vars.key + "0";
    if (name == "zone") return vars.zone;
    if (name == "random-uuid") return random_uuid();
    if (name.substr(0, 7) == "repeat:") {
        auto rest = name.substr(7);
        auto colon = rest.find(':');
        std::size_t count = 0;
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + (colon == std::string_view::npos ? 0 : colon), count);
        if (colon == std::string_view::npos || ec != std::errc{} || p != rest.data() + colon)
            throw PlaceholderError("malformed placeholder ${" + std::string(name) + "}: want ${repeat:N:text}");
        auto unit = rest.substr(colon + 1);
        if (unit.empty() || count > kMaxExpansion / unit.size())
            throw PlaceholderError("placeholder ${" + std::string(name.substr(0, 40)) + "...} expands past 16 MiB");
        std::string out;
        out.reserve(count * unit.size());
        for (std::size_t i = 0; i < count; ++i) out.append(unit);
        return out;
    }
    throw PlaceholderError("unknown placeholder ${" + std::string(name) + "}");
}

std::int64_t system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void set_header(Headers& headers, const std::string& name, std::optional<std::string> value) {
    for (auto it = headers.begin(); it != headers.end(); ++it)
        if (iequals(it->name, name)) {
            if (value) it->value = std::move(*value);
            else headers.erase(it);
            return;
        }
    if (value) headers.push_back({name, std::move(*value)});
}

std::string authorization_for(AuthMode mode, const Exo2Credentials& creds, const HttpRequest& r, std::int64_t now,
                              std::int64_t validity) {
    switch (mode) {
        case AuthMode::signed_request:
            return exo2_authorization(creds, r.method, r.target, r.body, now + validity);
        case AuthMode::bad_signature: {
            // Well-formed, right key, but signed with a different secret.
            Exo2Credentials wrong{creds.key, creds.secret + "-wrong"};
            return exo2_authorization(wrong, r.method, r.target, r.body, now + validity);
        }
        case AuthMode::expired:
            return exo2_authorization(creds, r.method, r.target, r.body, now - kExpiredBySeconds);
        case AuthMode::other_key: {
            Exo2Credentials other{"EXO" + random_uuid().substr(0, 8) + "000000000000000", "other-secret-" + random_uuid()};
            return exo2_authorization(other, r.method, r.target, r.body, now + validity);
        }
        case AuthMode::unsigned_request: break;
    }
    return {};
}

}  // namespace

std::string expand_placeholders(std::string_view text, const Variables& vars) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
        auto start = text.find("${", pos);
        if (start == std::string_view::npos) break;
        auto end = text.find('}', start + 2);
        if (end == std::string_view::npos) throw PlaceholderError("unterminated placeholder at offset " + std::to_string(start));
        out.append(text.substr(pos, start - pos));
        out += expand_one(text.substr(start + 2, end - start - 2), vars);
        if (out.size() > kMaxExpansion) throw PlaceholderError("expansion past 16 MiB");
        pos = end + 1;
    }
    out.append(text.substr(pos));
    return out;
}

bool auth_mode_runnable(AuthMode mode, const Signer& signer) {
    return mode == AuthMode::signed_request || signer.credentials.has_value();
}

HttpRequest build_request(const Case& c, const Variables& vars, const BaseUrl& base, const Signer& signer) {
    const auto& t = c.request;
    HttpRequest r;
    r.method = t.method;
    r.target = base.path + expand_placeholders(t.path, vars);
    if (!t.query.empty()) r.target += "?" + expand_placeholders(t.query, vars);
    r.body = t.body_is_raw ? t.body : expand_placeholders(t.body, vars);

    r.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    for (const auto& [name, value] : t.headers)
        set_header(r.headers, name, value ? std::optional<std::string>(expand_placeholders(*value, vars)) : std::nullopt);

    if (signer.credentials && t.auth != AuthMode::unsigned_request) {
        std::int64_t now = signer.unix_now ? signer.unix_now() : system_now();
        set_header(r.headers, "Authorization",
                   authorization_for(t.auth, *signer.credentials, r, now, signer.validity_seconds));
    }
    return r;
}

}  // namespace kms

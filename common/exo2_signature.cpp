#include "common/exo2_signature.hpp"

#include "common/http_types.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace kms {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded decoding, as Go's url.ParseQuery does it.
std::string form_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() &&
                   hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// name -> every value, names in ascending order (std::map), as url.Values sorted by key.
std::map<std::string, std::vector<std::string>> parse_query(std::string_view query) {
    std::map<std::string, std::vector<std::string>> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        std::string name = form_decode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string{} : form_decode(pair.substr(eq + 1));
        out[name].push_back(std::move(value));
    }
    return out;
}

std::string base64(const unsigned char* data, std::size_t len) {
    std::string out(4 * ((len + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

bool consume(std::string_view& s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    return true;
}

}  // namespace

std::string exo2_message(std::string_view method, std::string_view target, std::string_view body,
                         std::int64_t expires, std::vector<std::string>* signed_names) {
    std::string values;
    for (const auto& [name, vals] : parse_query(target_query(target))) {
        if (vals.size() != 1) continue;  // Go signs only single-valued parameters
        values += vals.front();
        if (signed_names) signed_names->push_back(name);
    }
    std::string msg;
    msg.reserve(target.size() + body.size() + values.size() + 32);
    msg.append(method).append(" ").append(target_path(target)).append("\n");
    msg.append(body).append("\n");
    msg.append(values).append("\n");
    msg.append("\n");  // signed header values: none are signed at present
    msg.append(std::to_string(expires));
    return msg;
}

std::string exo2_signature(std::string_view secret, std::string_view message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
    return base64(mac, mac_len);
}

std::string exo2_authorization(const Exo2Credentials& creds, std::string_view method,
                               std::string_view target, std::string_view body, std::int64_t expires) {
    std::vector<std::string> names;
    std::string message = exo2_message(method, target, body, expires, &names);
    std::string header = "EXO2-HMAC-SHA256 credential=" + creds.key;
    if (!names.empty()) {
        header += ",signed-query-args=";
        for (std::size_t i = 0; i < names.size(); ++i) header += (i ? ";" : "") + names[i];
    }
    header += ",expires=" + std::to_string(expires);
    header += ",signature=" + exo2_signature(creds.secret, message);
    return header;
}

std::optional<Exo2Authorization> parse_exo2_authorization(std::string_view h) {
    // Strictly the §7 shape: "credential=<key>[,signed-query-args=a;b],expires=<ts>,signature=<b64>",
    // in that order, each part once, commas without spaces. A header that deviates is malformed
    // rather than guessed at: with a repeated credential or expires, the verdict would depend on
    // which copy the parser happened to keep.
    if (!consume(h, "EXO2-HMAC-SHA256 ")) return std::nullopt;
    std::vector<std::string_view> parts;
    for (;;) {
        auto comma = h.find(',');
        parts.push_back(h.substr(0, comma));
        if (comma == std::string_view::npos) break;
        h.remove_prefix(comma + 1);
    }
    std::size_t i = 0;
    // The value of the next part when it is `key`, else nullopt.
    auto next = [&](std::string_view key) -> std::optional<std::string_view> {
        if (i == parts.size() || !consume(parts[i], key)) return std::nullopt;
        return parts[i++];
    };
    Exo2Authorization out;
    auto credential = next("credential=");
    if (!credential || credential->empty()) return std::nullopt;
    out.credential = std::string(*credential);
    if (auto names = next("signed-query-args=")) {
        while (true) {
            auto semi = names->find(';');
            auto name = names->substr(0, semi);
            if (name.empty()) return std::nullopt;
            out.signed_query_args.emplace_back(name);
            if (semi == std::string_view::npos) break;
            names->remove_prefix(semi + 1);
        }
    }
    auto expires = next("expires=");
    if (!expires || expires->empty() || !std::all_of(expires->begin(), expires->end(), [](char c) {
            return c >= '0' && c <= '9';
        }))
        return std::nullopt;
    auto [p, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), out.expires);
    if (ec != std::errc{} || p != expires->data() + expires->size()) return std::nullopt;
    auto signature = next("signature=");
    if (!signature || signature->empty() || i != parts.size()) return std::nullopt;
    out.signature = std::string(*signature);
    return out;
}

const char* to_string(Exo2Verdict v) {
    switch (v) {
        case Exo2Verdict::ok: return "ok";
        case Exo2Verdict::missing: return "missing Authorization header";
        case Exo2Verdict::malformed: return "malformed EXO2-HMAC-SHA256 Authorization header";
        case Exo2Verdict::unknown_key: return "unknown API key";
        case Exo2Verdict::expired: return "signature expired";
        case Exo2Verdict::bad_signature: return "signature does not match";
    }
    return "unknown";
}

Exo2Verdict verify_exo2(const Exo2Credentials& known, std::optional<std::string_view> header,
                        std::string_view method, std::string_view target, std::string_view body,
                        std::int64_t now) {
    if (!header) return Exo2Verdict::missing;
    auto auth = parse_exo2_authorization(*header);
    if (!auth) return Exo2Verdict::malformed;
    if (auth->credential != known.key) return Exo2Verdict::unknown_key;
    if (auth->expires <= now) return Exo2Verdict::expired;
    std::vector<std::string> names;
    std::string expected = exo2_signature(known.secret, exo2_message(method, target, body, auth->expires, &names));
    // The client's list of signed names must be the one the query implies, or a parameter
    // could be smuggled in unsigned.
    if (names != auth->signed_query_args) return Exo2Verdict::bad_signature;
    if (expected.size() != auth->signature.size() ||
        CRYPTO_memcmp(expected.data(), auth->signature.data(), expected.size()) != 0)
        return Exo2Verdict::bad_signature;
    return Exo2Verdict::ok;
}

}  // namespace kms

#include "harness/checks/cache_evidence.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace kms {

namespace {

// Lowercase words (letters and digits) of a header value.
std::vector<std::string> words_of(std::string_view value) {
    std::vector<std::string> out(1);
    for (char ch : value) {
        if (std::isalnum(static_cast<unsigned char>(ch))) out.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        else if (!out.back().empty()) out.emplace_back();
    }
    if (out.back().empty()) out.pop_back();
    return out;
}

bool has_any(const std::vector<std::string>& words, std::initializer_list<const char*> wanted) {
    return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
        return std::any_of(wanted.begin(), wanted.end(), [&](const char* x) { return w == x; });
    });
}

// RFC 9211 §2: each cache a member, "hit" a parameter of the one that answered from storage;
// "fwd=..." says it went forward to the next hop.
enum class Said { nothing, hit, miss };

Said cache_status(std::string_view value) {
    const auto w = words_of(value);
    if (has_any(w, {"fwd"})) return Said::miss;
    if (has_any(w, {"hit"})) return Said::hit;
    return Said::nothing;
}

// X-Cache, CF-Cache-Status and their kin: HIT, STALE, UPDATING, REVALIDATED (nginx's
// $upstream_cache_status) say the stored response was used; MISS, PASS, BYPASS, EXPIRED,
// DYNAMIC (Cloudflare) that the origin answered.
Said vendor_status(std::string_view value) {
    const auto w = words_of(value);
    if (has_any(w, {"hit", "stale", "updating", "revalidated"})) return Said::hit;
    if (has_any(w, {"miss", "pass", "bypass", "expired", "dynamic", "none"})) return Said::miss;
    return Said::nothing;
}

}  // namespace

std::optional<std::string> served_from_cache(const HttpResponse& response) {
    std::vector<std::string> evidence;
    bool hit = false, miss = false;
    auto note = [&](const Header& h) { evidence.push_back(h.name + ": " + printable(h.value, 60)); };
    for (const auto& h : response.headers) {
        Said said = Said::nothing;
        if (iequals(h.name, "Cache-Status")) said = cache_status(h.value);
        else if (iequals(h.name, "X-Cache") || iequals(h.name, "X-Cache-Status") || iequals(h.name, "CF-Cache-Status") ||
                 iequals(h.name, "X-Proxy-Cache") || iequals(h.name, "X-Cache-Lookup"))
            said = vendor_status(h.value);
        else if (iequals(h.name, "X-Varnish"))
            said = words_of(h.value).size() >= 2 ? Said::hit : Said::miss;
        if (said == Said::hit) hit = true;
        if (said == Said::miss) miss = true;
        if (said != Said::nothing) note(h);
    }
    const auto age = response.header("Age");
    if (age) {
        evidence.insert(evidence.begin(), "Age: " + printable(*age, 20));
        if (!miss) hit = true;
    }
    if (!hit) return std::nullopt;
    for (const auto& h : response.headers)
        if (iequals(h.name, "Via")) note(h);
    std::string out;
    for (const auto& e : evidence) out += (out.empty() ? "" : ", ") + e;
    return out;
}

}  // namespace kms

#include "harness/checks/cache_evidence.hpp"

#include "common/text.hpp"

#include <string_view>
#include <vector>

namespace kms {

namespace {

// RFC 9211 §2: each cache a member, "hit" a parameter of the one that answered from storage;
// "fwd=..." says it went forward to the next hop.
enum class Said { nothing, hit, miss };

Said cache_status(std::string_view value) {
    const auto w = words(value);
    if (has_word(w, {"fwd"})) return Said::miss;
    if (has_word(w, {"hit"})) return Said::hit;
    return Said::nothing;
}

// X-Cache, CF-Cache-Status and their kin: HIT, STALE, UPDATING, REVALIDATED (nginx's
// $upstream_cache_status) say the stored response was used; MISS, PASS, BYPASS, EXPIRED,
// DYNAMIC (Cloudflare) that the origin answered.
Said vendor_status(std::string_view value) {
    const auto w = words(value);
    if (has_word(w, {"hit", "stale", "updating", "revalidated"})) return Said::hit;
    if (has_word(w, {"miss", "pass", "bypass", "expired", "dynamic", "none"})) return Said::miss;
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
            said = words(h.value).size() >= 2 ? Said::hit : Said::miss;
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

std::string cached_answer_note(std::string_view what, const std::string& evidence, std::string_view content,
                               std::string_view resource) {
    return std::string(what) + " was served from a cache (" + evidence +
           ") although it asked Cache-Control: no-cache, so its " + std::string(content) +
           " may be stale; the front end caches " + std::string(resource);
}

}  // namespace kms

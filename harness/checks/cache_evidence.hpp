// Whether a response shows that a cache answered it (issue 22). A state check reads the key and
// the operations after replicating: a cache in front (Varnish's stock VCL keeps a 200 without
// Cache-Control for 120 s, RFC 9111 §4.2.2 heuristic freshness; a POST invalidates only its own
// target, §4.4) hands back a read older than the replicate, and the finding must then name the
// cache, not the origin. Pure: the headers alone decide.
#pragma once

#include "common/http_types.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kms {

// The headers that show `response` came from a cache, as one line for a finding
// ("Age: 4, X-Varnish: 113 32771, Via: 1.1 varnish (Varnish/7.1)"); nullopt when nothing does.
// Shown by: Age (RFC 9111 §5.1: its presence means the origin did not make or validate the
// response for this request), a cache status saying hit or stale (Cache-Status, RFC 9211;
// X-Cache, X-Cache-Status, CF-Cache-Status, X-Proxy-Cache), or X-Varnish with two transaction
// ids (Varnish writes the request's and the cached object's on a hit). A status that says miss,
// pass or bypass outweighs an Age the cache added to a response it just fetched (Varnish sends
// "Age: 0" on a miss), and Via alone only names a proxy, so neither counts; Via is quoted beside
// the evidence to name the cache.
std::optional<std::string> served_from_cache(const HttpResponse& response);

// How a finding that rests on such an answer names the cache, not the origin: "<what> was
// served from a cache (<evidence>) although it asked Cache-Control: no-cache, so its <content>
// may be stale; the front end caches <resource>".
std::string cached_answer_note(std::string_view what, const std::string& evidence, std::string_view content,
                               std::string_view resource);

}  // namespace kms

// One exchange as it passed through `kmsconf proxy`: what the forwarding (proxy_server.hpp)
// hands to the judging (exchange_judge.hpp). Plain data, no Beast.
#pragma once

#include "common/http_types.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace kms::proxy {

// One request and what answered it, as it passed.
struct ProxiedExchange {
    std::uint64_t number = 0;  // 1, 2, ... in the order responses completed
    HttpRequest request;
    bool request_cut = false;  // its body passed beyond keep_body (or the response came first)
    std::optional<HttpResponse> response;  // the upstream's; none when it gave none
    bool response_cut = false;
    int response_version = 11;
    // Why the upstream gave no response ("connect 10.0.0.1:443: Connection refused", "timed out
    // after 10000 ms", "closed the connection before the response was complete"), and what
    // the client got instead: the proxy's 502 or 504, or the connection closed as the upstream
    // closed it.
    std::string upstream_error;
    int proxy_status = 0;  // 502, 504; 0: the proxy answered nothing of its own
    std::chrono::system_clock::time_point started{};  // the request's head arrived
    std::chrono::nanoseconds elapsed{0};                // its head arrived .. its response forwarded
    // Set: not an exchange but bytes the upstream sent after exchange `number`'s complete
    // response, with no request outstanding (RFC 9112 §9.2): the first of them, printable, and
    // how many came in that read. The rest of that connection was relayed blind.
    std::string stray_bytes;
    std::size_t stray_count = 0;
};

}  // namespace kms::proxy

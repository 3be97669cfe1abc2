// The harness's HTTP/1.1 client (Boost.Beast, TLS via OpenSSL). Beast stays inside
// http_client.cpp. One client is one keep-alive connection, reopened when the server closes it
// or sends bytes no request asked for. The request bytes are written by hand (request_serializer.hpp).
#pragma once

#include "harness/transport/base_url.hpp"
#include "common/http_types.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace kms {

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{5000};   // resolve + TCP connect + TLS handshake
    std::chrono::milliseconds read_timeout{10000};     // writing the request, then from request
                                                       // written to response read
    std::chrono::milliseconds total_timeout{30000};    // whole exchange, reconnects included
    bool verify_tls = true;     // verify_peer + host-name check; --insecure turns it off
    std::string ca_file;        // extra trust anchors (PEM); system CAs are used too
    std::size_t max_body_bytes = 8 * 1024 * 1024;      // larger response bodies: body_too_large
    std::size_t max_header_bytes = 64 * 1024;
    bool keep_alive = true;     // false: a new connection for every request
    std::string user_agent = "kmsconf/0.1";
    // After a complete response on a connection that stays open, how long to watch it for
    // bytes the server sends with no request outstanding (RFC 9112 §9.2): such bytes are a
    // framing fault of the exchange they followed, never the next request's answer. 0: only
    // bytes already received are seen.
    std::chrono::milliseconds stray_bytes_grace{20};
};

enum class TransportError {
    none,
    resolve,
    connect,
    tls_handshake,
    write,
    timeout,
    read,
    body_too_large,
    protocol,  // not HTTP/1.x, bad framing
};
const char* to_string(TransportError e);

struct Exchange {
    std::optional<HttpResponse> response;  // set when error == none
    TransportError error = TransportError::none;
    std::string error_detail;               // "connect 127.0.0.1:1: Connection refused"
    std::chrono::nanoseconds elapsed{0};    // request written .. response complete
    // Wall-clock time send() began (before any connect), for reports that show when an
    // exchange happened (exchanges.har's startedDateTime).
    std::chrono::system_clock::time_point started_at{};
    int response_version = 11;  // the response's HTTP version, 10 or 11 (Beast's numbering)
    std::chrono::nanoseconds connect_time{0};  // resolve+connect+TLS in this call; 0 when reused
    bool reused_connection = false;
    // A framing fault of this exchange, found after its response was complete: bytes that
    // followed it with no request outstanding (RFC 9112 §9.2), or content in a response to HEAD
    // (RFC 9110 §9.3.2). Empty when the framing was clean. The connection was dropped.
    std::string framing_violation;
    // The response began while the request was still being written and the write then failed
    // (RFC 9112 §9.5: a server may answer early and close); the response is still judged.
    bool early_response = false;
    // Bytes found on the idle kept-alive connection before this request was written, arrived
    // after the previous exchange's grace window: not read as this response; the connection
    // was replaced. Empty when there were none.
    std::string stray_before;
    // Set by a recorder that kept only part of the request body (kmsconf proxy: answered before
    // the body was whole, or beyond what it keeps): "request body cut to N of M bytes (why)",
    // which exchanges.har carries so that a later judge knows. Empty for a request sent whole.
    std::string request_body_cut;
};

class HttpClient {
public:
    HttpClient(BaseUrl target, ClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends `request` (its target is the full origin-form path, base path included) and waits
    // for the response. Adds Host and Content-Length (and User-Agent when absent); every other
    // header is sent exactly as given, so a case can omit Content-Type on purpose; a body is
    // chunk-encoded when Transfer-Encoding ends in chunked (request_serializer.hpp). A request that
    // owns its framing (owns_framing()) runs on a connection of its own, closed after it. A POST
    // is never retried: a stale keep-alive connection is detected before sending, not after.
    Exchange send(const HttpRequest& request);

    // Watches the kept-alive connection, idle, until `until` (the next request's slot under a
    // rate cap, or the end of a Retry-After wait) for bytes the server sends with no request
    // outstanding (RFC 9112 §9.2). Returns that violation of the last exchange, naming the
    // bytes, and drops the connection when some arrive; empty when none did. Returns at `until`
    // at the latest, earlier when bytes come or the server closes; the caller waits the rest.
    std::string watch_idle_until(std::chrono::steady_clock::time_point until);

    // Opens the connection now (for reachability probes). Empty optional on success.
    std::optional<Exchange> connect();
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kms

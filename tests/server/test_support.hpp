// Helpers for the server tests: request builders, a problem-details checker, and a raw
// blocking POSIX socket client (deliberately not the harness client: these tests must judge
// the server's bytes on the wire by themselves).
#pragma once

#include "common/http_types.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms::server::test {

HttpRequest replicate_request(std::string_view key_id, std::string body,
                              std::optional<std::string> content_type = std::string("application/json"));
HttpRequest zone_request(std::string_view key_id, std::string_view zone);  // {"zone":"<zone>"}
HttpRequest get_request(std::string target);
HttpRequest key_request(std::string_view key_id);  // GET /v2/kms-key/<id>

// The `replicas` of a key read (a 200 get-kms-key-response); a non-string entry shows as "?".
// Empty when the body is not such an object, so callers check the status first.
std::vector<std::string> replicas_of(const HttpResponse& key_read);

// Parses a body strictly; a parse error makes the returned document non-object.
rapidjson::Document parse_json(const std::string& body);

// The response is a problem (RFC 9457, contract's error-response): HTTP status `status`,
// Content-Type application/json, a JSON object with string type "#/http-problem-types/...",
// string title, integer status equal to `status`, and a string detail starting with
// `detail_prefix`.
::testing::AssertionResult IsProblem(const HttpResponse& res, int status, std::string_view detail_prefix = "");

// The response is a 200 `operation` for key `key_id` in state `state`; `op_id` receives its id.
::testing::AssertionResult IsOperation(const HttpResponse& res, std::string_view key_id, std::string_view state,
                                       std::string* op_id = nullptr);

// A blocking TCP connection to 127.0.0.1:port with poll()-based timeouts on every read.
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool send_all(std::string_view bytes);  // false when the peer is gone
    void shutdown_write();
    // Closes with SO_LINGER 0, so the peer gets a reset instead of an orderly FIN.
    void abort();

    struct Response {
        int status = 0;
        std::string head;  // status line and headers, lower-cased names not applied
        std::string body;
        std::optional<std::string> header(std::string_view name) const;
    };
    // Reads one response (Content-Length framed, or up to EOF). nullopt on timeout, EOF or
    // error before a complete head.
    std::optional<Response> read_response(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    // True when the peer closes (EOF or reset) within `timeout`; bytes received meanwhile are
    // discarded.
    bool closed_within(std::chrono::milliseconds timeout);

private:
    // Appends up to what arrives within the remaining time; 0 on EOF, -1 on timeout/error.
    long read_more(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string pending_;
};

// Reads one response out of `pending` (Content-Length framed, or up to EOF), calling `read_more`
// to append bytes to it (0 on EOF, -1 on timeout or error). Consumed bytes leave `pending`.
// nullopt when no complete response arrives. Shared by RawConnection and the TLS tests' client.
std::optional<RawConnection::Response> read_http_response(std::string& pending, const std::function<long()>& read_more);

// "POST /v2/kms-key/<id>/replicate HTTP/1.1" with Host, Content-Type and Content-Length.
std::string raw_replicate(std::string_view key_id, std::string_view body, bool close = false);

}  // namespace kms::server::test

// The bytes of one benchmark request, serialised once instead of per send: the load engine
// writes them as they are. With credentials the request carries an EXO2-HMAC-SHA256
// signature; a signature covers method, path, body and an expiry second, with no nonce, so the
// bytes are re-signed only when the clock moves to a new second, and every request still
// carries a valid signature of its own content.
#pragma once

#include "harness/bench/request_source.hpp"
#include "harness/transport/base_url.hpp"
#include "common/exo2_signature.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kms::bench {

struct RequestSpec {
    std::string method = "POST";
    std::string target;        // origin-form, base path included: "/v2/kms-key/<id>/replicate"
    std::string content_type;  // empty: no Content-Type header
    std::string body;
};

inline constexpr std::int64_t kSignatureValiditySeconds = 600;  // as the harness signs

// The bytes of `spec` as the bench sends it: Host (`host_header`), User-Agent, Accept,
// Content-Type when set, Content-Length always, an EXO2-HMAC-SHA256 Authorization expiring
// kSignatureValiditySeconds after `unix_now` when `credentials` are set, and `Connection: close`
// when asked.
std::string wire_bytes(const RequestSpec& spec, const std::string& host_header,
                       const std::optional<Exo2Credentials>& credentials, bool connection_close, std::int64_t unix_now);

// As a RequestSource, each shard's feed sends its own copy of these bytes every time.
class WireRequest : public RequestSource {
public:

    // `connection_close` adds `Connection: close` (the new-connection-per-request mode: the
    // server then closes first, so its side, not the client's ephemeral ports, keeps TIME_WAIT).
    WireRequest(RequestSpec spec, const BaseUrl& base, std::optional<Exo2Credentials> credentials,
                bool connection_close);

    // The bytes to send at `unix_now` (seconds). Shared so that a write still in flight keeps
    // the previous bytes alive when a new second re-signs them. Not thread-safe: one per thread.
    const std::shared_ptr<const std::string>& bytes(std::int64_t unix_now);

    std::unique_ptr<RequestFeed> feed() const override;

    const RequestSpec& spec() const { return spec_; }
    bool signed_request() const { return credentials_.has_value(); }

private:
    RequestSpec spec_;
    std::string host_header_;
    std::optional<Exo2Credentials> credentials_;
    bool connection_close_;
    std::int64_t signed_at_ = -1;
    std::shared_ptr<const std::string> bytes_;
};

}  // namespace kms::bench
